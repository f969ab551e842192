package dev.vigil.server.push;

import dev.vigil.ingest.push.GroupKeys;
import dev.vigil.tsdb.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The grouping key of a push URL: {@code /metrics/job/<job>{/<name>/<value>}}, each part
 * optionally {@code <name>@base64/<url-safe base64>}. Decoded the way the API we replace decodes
 * it: percent-decoding only ({@code +} stays a plus), split on {@code /} after decoding.
 */
final class GroupPath {
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final String B64 = "@base64";

    /** A URL that names no valid group (a 400), or no push route at all (a 404); the message is the answer's body. */
    static final class BadPath extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean notFound;

        BadPath(String message) {
            this(message, false);
        }

        BadPath(String message, boolean notFound) {
            super(message);
            this.notFound = notFound;
        }

        boolean notFound() {
            return notFound;
        }
    }

    private GroupPath() {
    }

    /**
     * Parses the part of the raw (still percent-encoded) request path after {@code /metrics/}.
     *
     * @return job and grouping labels; a label with an empty value makes a group of its own, as in the API we replace
     *     ({@link GroupKeys})
     */
    static Labels parse(String rawAfterMetrics) throws BadPath {
        String path = percentDecode(rawAfterMetrics);
        // path = "job/<job>/..." or "job@base64/<b64>/..."
        boolean jobB64;
        String rest;
        if (path.startsWith("job@base64/")) {
            jobB64 = true;
            rest = path.substring("job@base64/".length());
        } else if (path.startsWith("job/")) {
            jobB64 = false;
            rest = path.substring("job/".length());
        } else {
            throw new BadPath("404 page not found", true);
        }
        int slash = rest.indexOf('/');
        String job = slash < 0 ? rest : rest.substring(0, slash);
        String labels = slash < 0 ? "" : rest.substring(slash);
        if (jobB64) {
            try {
                job = decodeBase64(job);
            } catch (BadBase64 e) {
                throw new BadPath("invalid base64 encoding in job name \"" + e.partial + "\": " + e.getMessage());
            }
        }
        Map<String, String> pairs = split(labels);
        if (job.isEmpty()) {
            throw new BadPath("job name is required");
        }
        Labels.Builder b = Labels.builder();
        List<String> empty = new ArrayList<>();
        pairs.forEach((n, v) -> {
            if (v.isEmpty()) {
                empty.add(n);
            } else {
                b.set(n, v);
            }
        });
        b.set("job", job);
        return GroupKeys.of(b.build(), empty);
    }

    private static Map<String, String> split(String labels) throws BadPath {
        Map<String, String> out = new LinkedHashMap<>();
        if (labels.length() <= 1) {
            return out;
        }
        String[] parts = labels.split("/", -1);
        if (parts.length % 2 == 0) {
            throw new BadPath("odd number of components in label string \"" + labels + "\"");
        }
        for (int i = 1; i < parts.length - 1; i += 2) {
            String name = parts[i];
            String value = parts[i + 1];
            boolean b64 = name.endsWith(B64);
            String trimmed = b64 ? name.substring(0, name.length() - B64.length()) : name;
            if (!LABEL_NAME.matcher(trimmed).matches() || trimmed.startsWith("__")) {
                throw new BadPath("improper label name \"" + trimmed + "\"");
            }
            if (b64) {
                try {
                    value = decodeBase64(value);
                } catch (BadBase64 e) {
                    throw new BadPath("invalid base64 encoding for label " + trimmed + "=\"" + value + "\": " + e.getMessage());
                }
            }
            out.put(trimmed, value);
        }
        return out;
    }

    /** Base64 the API we replace refuses; the message and the partial result are what it shows. */
    static final class BadBase64 extends Exception {
        private static final long serialVersionUID = 1L;
        final String partial;

        BadBase64(int offset, String partial) {
            this("illegal base64 data at input byte " + offset, partial);
        }

        BadBase64(String message, String partial) {
            super(message);
            this.partial = partial;
        }
    }

    /**
     * URL-safe alphabet, padding optional ({@code =} alone is the empty string), line breaks
     * skipped; decoded four characters at a time like the API we replace, so an error names the
     * same byte offset and the same decoded prefix. A decoded value that is not UTF-8 is refused
     * too (the replaced gateway refuses such a label at its consistency check).
     */
    static String decodeBase64(String text) throws BadBase64 {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '=') {
            end--;
        }
        byte[] in = text.substring(0, end).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int[] quantum = new int[4];
        int i = 0;
        while (i < in.length) {
            int j = 0;
            int last = i;
            while (j < 4 && i < in.length) {
                int c = in[i] & 0xff;
                if (c == '\n' || c == '\r') {
                    i++;
                    continue;
                }
                int v = sextet(c);
                if (v < 0) {
                    throw new BadBase64(i, out.toString(StandardCharsets.UTF_8));
                }
                quantum[j++] = v;
                last = i++;
            }
            if (j == 1) {
                throw new BadBase64(last, out.toString(StandardCharsets.UTF_8));
            }
            if (j >= 2) {
                out.write(quantum[0] << 2 | quantum[1] >> 4);
            }
            if (j >= 3) {
                out.write((quantum[1] & 15) << 4 | quantum[2] >> 2);
            }
            if (j == 4) {
                out.write((quantum[2] & 3) << 6 | quantum[3]);
            }
        }
        byte[] b = out.toByteArray();
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadBase64("the decoded value is not valid UTF-8", "");
        }
    }

    private static int sextet(int c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }

    /** RFC 3986 percent-decoding of UTF-8; a {@code %} not followed by two hex digits stays as it is. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%' && i + 2 < b.length && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                out.write(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
