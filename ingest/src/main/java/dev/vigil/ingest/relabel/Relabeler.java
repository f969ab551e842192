package dev.vigil.ingest.relabel;

import com.google.re2j.Matcher;
import dev.vigil.tsdb.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Applies one {@link Relabeling} to label sets, as Prometheus 2.42's {@code relabel.Process}:
 * rule after rule, each reading the labels the previous one left. Holds a matcher per rule and a
 * scratch label set, so it serves one thread at a time.
 */
public final class Relabeler {
    private final Rule[] rules;
    private final Matcher[] matchers;
    private final LabelScratch scratch = new LabelScratch();
    private final StringBuilder joined = new StringBuilder();
    private final String[][] snapshot = new String[2][];
    /**
     * Per rule, whether a value matched before: label names and metric names repeat across a
     * target's series, so most tests are a lookup. Bounded, as values need not repeat.
     */
    private final java.util.HashMap<String, Boolean>[] seen;
    private static final int SEEN_MAX = 4096;
    private MessageDigest md5;

    Relabeler(Relabeling r) {
        this.rules = r.rules;
        this.matchers = new Matcher[rules.length];
        @SuppressWarnings("unchecked")
        java.util.HashMap<String, Boolean>[] maps = new java.util.HashMap[rules.length];
        this.seen = maps;
        for (int i = 0; i < rules.length; i++) {
            matchers[i] = rules[i].regex.matcher("");
        }
    }

    /**
     * The relabelled labels, the very same instance when no rule changed anything, or
     * {@code null} when a rule dropped the set.
     */
    public Labels process(Labels in) {
        if (rules.length == 0) {
            return in;
        }
        scratch.load(in);
        for (int i = 0; i < rules.length; i++) {
            if (!apply(rules[i], i)) {
                return null;
            }
        }
        return scratch.toLabels(in);
    }

    private CharSequence sourceValue(Rule r) {
        String[] s = r.sources;
        if (s.length == 0) {
            return "";
        }
        if (s.length == 1) {
            return scratch.get(s[0]);
        }
        joined.setLength(0);
        for (int i = 0; i < s.length; i++) {
            if (i > 0) {
                joined.append(r.separator);
            }
            joined.append(scratch.get(s[i]));
        }
        return joined;
    }

    /** Whether rule i's regex matches all of {@code s}. */
    private boolean matches(int i, CharSequence s) {
        Rule r = rules[i];
        if (r.literals != null) {
            return Literals.matches(r.literals, s);
        }
        if (!Literals.startsWith(s, r.prefix)) {
            return false;
        }
        if (!(s instanceof String key)) {
            return matchers[i].reset(s).find();
        }
        java.util.HashMap<String, Boolean> cache = seen[i];
        if (cache == null) {
            cache = seen[i] = new java.util.HashMap<>();
        }
        Boolean b = cache.get(key);
        if (b == null) {
            b = matchers[i].reset(key).find();
            if (cache.size() < SEEN_MAX) {
                cache.put(key, b);
            }
        }
        return b;
    }

    private boolean apply(Rule r, int i) {
        Matcher m = matchers[i];
        CharSequence val = sourceValue(r);
        switch (r.action) {
            case DROP:
                return !matches(i, val);
            case KEEP:
                return matches(i, val);
            case DROPEQUAL:
                return !scratch.get(r.targetLabel).contentEquals(val);
            case KEEPEQUAL:
                return scratch.get(r.targetLabel).contentEquals(val);
            case REPLACE:
                if (matches(i, val)) {
                    replace(r, m, val);
                }
                return true;
            case LOWERCASE:
                scratch.set(r.targetLabel, mapCase(val.toString(), false));
                return true;
            case UPPERCASE:
                scratch.set(r.targetLabel, mapCase(val.toString(), true));
                return true;
            case HASHMOD:
                scratch.set(r.targetLabel, Long.toUnsignedString(Long.remainderUnsigned(hash(val), r.modulus)));
                return true;
            case LABELMAP:
                labelMap(r, i, m);
                return true;
            case LABELDROP:
            case LABELKEEP:
                boolean drop = r.action == Action.LABELDROP;
                int ruleIndex = i;
                for (int k = scratch.size - 1; k >= 0; k--) {
                    if (matches(ruleIndex, scratch.names[k]) == drop) {
                        scratch.deleteAt(k);
                    }
                }
                return true;
            default:
                throw new IllegalStateException(r.action.toString());
        }
    }

    /**
     * Prometheus 2.42's replace: when the expanded target is not a label name, or the expanded
     * replacement is empty, it deletes the label named by {@code target_label} as written, not the
     * expanded one.
     */
    private void replace(Rule r, Matcher m, CharSequence val) {
        if (!m.reset(val).find()) {
            return;
        }
        String target = r.target.expand(m);
        if (!LabelNames.isValid(target)) {
            scratch.delete(r.targetLabel);
            return;
        }
        String res = r.replacement.expand(m);
        if (res.isEmpty()) {
            scratch.delete(r.targetLabel);
            return;
        }
        scratch.set(target, res);
    }

    /** Reads the labels as they were before the rule: a name it writes is not mapped again. */
    private void labelMap(Rule r, int rule, Matcher m) {
        int n = scratch.snapshot(snapshot);
        String[] names = snapshot[0];
        String[] values = snapshot[1];
        for (int i = 0; i < n; i++) {
            if (matches(rule, names[i]) && m.reset(names[i]).find()) {
                scratch.set(r.replacement.expand(m), values[i]);
            }
        }
    }

    /** Go's {@code strings.ToLower}/{@code ToUpper}: a simple mapping per code point ({@code ß} stays {@code ß}). */
    private static String mapCase(String s, boolean upper) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int mapped = upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp);
            if (mapped != cp && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.appendCodePoint(mapped);
            }
            i += Character.charCount(cp);
        }
        return out == null ? s : out.toString();
    }

    /**
     * Prometheus's hashmod hash: the md5 of the value, of which its sum64 keeps only the last 8
     * bytes (big-endian) because Go's shifts by 64 or more give 0 for the first 8.
     */
    private long hash(CharSequence val) {
        if (md5 == null) {
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is part of every Java runtime", e);
            }
        }
        byte[] d = md5.digest(val.toString().getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 8; i < 16; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return h;
    }
}
