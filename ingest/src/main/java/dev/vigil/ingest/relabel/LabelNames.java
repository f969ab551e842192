package dev.vigil.ingest.relabel;

import com.google.re2j.Pattern;

/** Prometheus 2.42's label name checks. */
public final class LabelNames {
    /** What {@code target_label} (replace) and {@code replacement} (labelmap) may be when they hold {@code $} references. */
    private static final Pattern TEMPLATE_NAME = Pattern.compile("^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$");

    private LabelNames() {
    }

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*}, checked without a regex: replace checks every expanded target. */
    public static boolean isValid(String name) {
        int n = name.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9' && i > 0))) {
                return false;
            }
        }
        return true;
    }

    static boolean isValidTemplate(String name) {
        return TEMPLATE_NAME.matcher(name).find();
    }
}
