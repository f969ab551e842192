package dev.vigil.ingest.text;

import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.text.GoFloat;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HashMap;

/**
 * Prometheus text exposition format 0.0.4, parsed from bytes.
 *
 * <p>Accepts and rejects what the reference text parser (the one behind the push API we replace)
 * does, with the same messages plus the column. Samples are assigned to families the same way: a
 * family typed {@code summary} named {@code x} owns {@code x{quantile}}, {@code x_sum} and
 * {@code x_count}; a {@code histogram} owns {@code x_bucket{le}} (also written {@code x{le}}),
 * {@code x_sum} and {@code x_count}; lines of such a family without their {@code quantile} /
 * {@code le} are dropped, as the reference does, and bucket bounds and quantiles are written in
 * the canonical float notation the reference re-exposes them with ({@code le="1.0"} becomes
 * {@code le="1"}).
 *
 * <p>Hot path: a series whose raw bytes were seen before (by this instance) is looked up, not
 * re-parsed; names and label values are interned from bytes. An instance is reusable and not
 * thread-safe: keep one per thread.
 */
public final class TextParser implements LineParser {
    static final int EOF = -1;

    static final int T_UNSET = 0;
    static final int T_COUNTER = 1;
    static final int T_GAUGE = 2;
    static final int T_SUMMARY = 3;
    static final int T_UNTYPED = 4;
    static final int T_HISTOGRAM = 5;
    /** Accepted as the reference does, but its samples carry no value there and are dropped. */
    static final int T_GAUGE_HISTOGRAM = 6;
    /** As written in a TYPE line (case-insensitive). */
    private static final String[] TYPE_NAMES = {null, "counter", "gauge", "summary", "untyped", "histogram", "gauge_histogram"};
    /** As reported to the sink. */
    private static final String[] SINK_TYPES = {null, "counter", "gauge", "summary", "untyped", "histogram", "gaugehistogram"};

    // What a sample line is to its family; part of the series cache key.
    static final int R_PLAIN = 0;
    static final int R_SUMMARY_QUANTILE = 1;
    static final int R_SUMMARY_COUNT = 2;
    static final int R_SUMMARY_SUM = 3;
    static final int R_HISTOGRAM_BUCKET = 4;
    static final int R_HISTOGRAM_COUNT = 5;
    static final int R_HISTOGRAM_SUM = 6;
    /** A histogram bucket written {@code x_bucket{le}} (the other spelling is {@code x{le}}). */
    static final int R_HISTOGRAM_BUCKET_NAMED = 7;
    /** A sample of a gauge_histogram family: checked, then dropped, as the reference keeps no value for it. */
    static final int R_DROPPED = 8;

    /** Cached for lines the reference drops (a summary line without quantile, ...). */
    private static final Object DROP = new Object();

    private static final String QUANTILE = "quantile";
    private static final String LE = "le";

    private final Interner names = new Interner(8192);
    private final Interner values = new Interner(16384);
    private final SeriesCache ownCache = new SeriesCache();
    /** The cache of the current call: this parser's own, or the caller's (one per push group). */
    private SeriesCache cache = ownCache;
    private final HashMap<String, Family> families = new HashMap<>();
    private final DuplicateNames seen = new DuplicateNames();
    private final boolean typed;

    // Scratch for the slow label path.
    private byte[] scratch = new byte[256];
    private String[] kv = new String[32];

    // Per call.
    private byte[] buf;
    private int end;
    private int line;
    private int lineStart;
    private ParseSink sink;

    // The last sample name resolved, valid until the next comment line.
    private int lastNameOff = -1;
    private int lastNameLen;
    private Family lastFamily;
    private int lastRole;

    private static final class Family {
        final String name;
        int type;
        boolean hasHelp;
        String bucketName;

        Family(String name) {
            this.name = name;
        }
    }

    /** A parser with the push API's semantics: HELP/TYPE are read and checked, families typed. */
    public TextParser() {
        this(true);
    }

    /**
     * @param typed whether {@code # HELP}/{@code # TYPE} lines are interpreted (the push API's
     *     reference behaviour); when false every comment is skipped, every sample line stands
     *     for itself under its own name and blanks may trail a line, as the import API's
     *     reference does
     */
    public TextParser(boolean typed) {
        this.typed = typed;
    }

    /** Reads the whole stream, then parses it; see {@link #parse(byte[], int, int, ParseSink)}. */
    public void parse(InputStream in, ParseSink sink) throws IOException, ExpositionException {
        byte[] body = in.readAllBytes();
        parse(body, 0, body.length, sink);
    }

    /**
     * Parses one complete body. The sink sees HELP/TYPE lines and samples in input order; on an
     * error it may have seen a prefix, so a caller that must be atomic collects first.
     */
    public void parse(byte[] body, int off, int len, ParseSink sink) throws ExpositionException {
        parse(body, off, len, sink, ownCache);
    }

    /**
     * Parses one complete body with the given series cache instead of this parser's own: a
     * cache kept per push group sees that group's series in the same order every push, so its
     * lookups hit without hashing and its label sets stay the same instances from push to push.
     * The cache must not be used by another thread during the call.
     */
    public void parse(byte[] body, int off, int len, ParseSink sink, SeriesCache seriesCache) throws ExpositionException {
        cache = seriesCache;
        begin();
        try {
            int stop = parseLines(body, off, off + len, sink);
            if (stop < off + len) {
                // Only blanks are left, or a line without its final newline (an error).
                parseLast(body, stop, off + len, sink);
            }
        } finally {
            this.buf = null;
            this.sink = null;
            cache = ownCache;
        }
    }

    @Override
    public void begin() {
        cache.begin();
        families.clear();
        line = 0;
        lastNameOff = -1;
        lastFamily = null;
    }

    @Override
    public int linesRead() {
        return line;
    }

    /**
     * Parses every complete line of {@code b[off, end)} and returns where the first incomplete
     * line starts ({@code end} when the range ends with a newline). State carries over to the
     * next call, so a body can come in chunks.
     */
    @Override
    public int parseLines(byte[] b, int off, int end, ParseSink sink) throws ExpositionException {
        int last = lastNewline(b, off, end);
        if (last < 0) {
            return off;
        }
        this.buf = b;
        this.end = last + 1;
        this.sink = sink;
        lastNameOff = -1;
        int pos = off;
        while (pos < this.end) {
            pos = line(pos);
        }
        return pos;
    }

    /** The unterminated last line: blanks are fine, anything else is an error somewhere in it. */
    @Override
    public void finish(byte[] b, int off, int end, ParseSink sink) throws ExpositionException {
        try {
            parseLast(b, off, end, sink);
        } finally {
            this.buf = null;
            this.sink = null;
        }
    }

    private void parseLast(byte[] b, int off, int end, ParseSink sink) throws ExpositionException {
        this.buf = b;
        this.sink = sink;
        this.end = end;
        lastNameOff = -1;
        int pos = off;
        while (pos < end) {
            pos = line(pos);
        }
    }

    private static int lastNewline(byte[] b, int off, int end) {
        for (int i = end - 1; i >= off; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int at(int i) {
        return i < end ? buf[i] & 0xff : EOF;
    }

    private static boolean blank(int c) {
        return c == ' ' || c == '\t';
    }

    private static final boolean[] NAME_START = new boolean[256];
    private static final boolean[] NAME_CHAR = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            NAME_START[c] = nameStart(c);
            NAME_CHAR[c] = nameChar(c);
        }
    }

    static boolean nameStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    static boolean nameChar(int c) {
        return nameStart(c) || (c >= '0' && c <= '9');
    }

    static boolean labelStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean labelChar(int c) {
        return labelStart(c) || (c >= '0' && c <= '9');
    }

    private ExpositionException error(int pos, String what) {
        return new ExpositionException(line, pos - lineStart + 1, what);
    }

    private ExpositionException eof(int pos) {
        return error(pos, "unexpected end of input stream");
    }

    /** Parses the line starting at {@code pos}; returns the start of the next. */
    private int line(int pos) throws ExpositionException {
        line++;
        lineStart = pos;
        int c = at(pos);
        while (blank(c)) {
            c = at(++pos);
        }
        if (c == EOF) {
            return end; // trailing blanks at the very end are fine
        }
        if (c == '\n') {
            return pos + 1;
        }
        if (c == '#') {
            return typed ? comment(pos + 1) : skipComment(pos + 1);
        }
        return sample(pos);
    }

    private int skipComment(int pos) throws ExpositionException {
        int c = at(pos);
        while (c != '\n') {
            if (c == EOF) {
                throw eof(pos);
            }
            c = at(++pos);
        }
        return pos + 1;
    }

    private int comment(int pos) throws ExpositionException {
        lastNameOff = -1;
        int c = at(pos);
        while (blank(c)) {
            c = at(++pos);
        }
        if (c == EOF) {
            throw eof(pos);
        }
        if (c == '\n') {
            return pos + 1;
        }
        int kw = pos;
        while (c != EOF && !blank(c) && c != '\n') {
            c = at(++pos);
        }
        if (c == EOF) {
            throw eof(pos);
        }
        if (c == '\n') {
            return pos + 1;
        }
        int kwLen = pos - kw;
        boolean help = kwLen == 4 && buf[kw] == 'H' && buf[kw + 1] == 'E' && buf[kw + 2] == 'L' && buf[kw + 3] == 'P';
        boolean type = kwLen == 4 && buf[kw] == 'T' && buf[kw + 1] == 'Y' && buf[kw + 2] == 'P' && buf[kw + 3] == 'E';
        if (!help && !type) {
            return skipComment(pos);
        }
        while (blank(c)) {
            c = at(++pos);
        }
        if (c == EOF) {
            throw eof(pos);
        }
        int nameOff = pos;
        if (nameStart(c)) {
            pos = nameEnd(pos + 1);
            c = at(pos);
        }
        if (c == EOF) {
            throw eof(pos);
        }
        if (c == '\n') {
            return pos + 1;
        }
        if (!blank(c)) {
            throw error(pos, "invalid metric name in comment");
        }
        Family f = resolve(nameOff, pos - nameOff);
        while (blank(c)) {
            c = at(++pos);
        }
        if (c == EOF) {
            throw eof(pos);
        }
        if (c == '\n') {
            return pos + 1;
        }
        return help ? help(f, pos) : type(f, pos);
    }

    private int help(Family f, int pos) throws ExpositionException {
        if (f.hasHelp) {
            throw error(pos, "second HELP line for metric name " + quote(f.name));
        }
        int start = pos;
        int c = at(pos);
        boolean escapes = false;
        while (c != '\n') {
            if (c == EOF) {
                throw eof(pos);
            }
            if (c == '\\') {
                int n = at(pos + 1);
                if (n == EOF) {
                    throw eof(pos + 1);
                }
                if (n != '\\' && n != 'n') {
                    throw error(pos, "invalid escape sequence '\\" + escapedChar(n) + "'");
                }
                escapes = true;
                pos += 2;
                c = at(pos);
                continue;
            }
            c = at(++pos);
        }
        String text;
        if (!escapes) {
            text = Interner.decode(buf, start, pos - start);
        } else {
            int n = 0;
            byte[] s = scratch(pos - start);
            for (int i = start; i < pos; i++) {
                byte x = buf[i];
                if (x == '\\') {
                    x = buf[++i] == 'n' ? (byte) '\n' : (byte) '\\';
                }
                s[n++] = x;
            }
            text = Interner.decode(s, 0, n);
        }
        f.hasHelp = true;
        sink.help(f.name, text);
        return pos + 1;
    }

    private static String escapedChar(int c) {
        return c < 0x80 ? String.valueOf((char) c) : new String(Character.toChars(c));
    }

    private int type(Family f, int pos) throws ExpositionException {
        if (f.type != T_UNSET) {
            throw error(pos, "second TYPE line for metric name " + quote(f.name) + ", or TYPE reported after samples");
        }
        int start = pos;
        int c = at(pos);
        while (c != '\n') {
            if (c == EOF) {
                throw eof(pos);
            }
            c = at(++pos);
        }
        // The reference reads the type with backslashes silently dropped ("gau\\ge" is a gauge).
        byte[] token = scratch(pos - start);
        int n = 0;
        for (int i = start; i < pos; i++) {
            if (buf[i] != '\\') {
                token[n++] = buf[i];
            }
        }
        int t = typeOf(token, n);
        if (t == T_UNSET) {
            throw error(start, "unknown metric type " + GoQuote.quote(token, 0, n));
        }
        f.type = t;
        sink.type(f.name, SINK_TYPES[t]);
        return pos + 1;
    }

    /** The type named by {@code b[0, len)}, in any letter case, or {@link #T_UNSET}. */
    private static int typeOf(byte[] b, int len) {
        for (int t = 1; t < TYPE_NAMES.length; t++) {
            String n = TYPE_NAMES[t];
            if (n.length() == len) {
                boolean eq = true;
                for (int k = 0; k < len && eq; k++) {
                    int c = b[k];
                    char want = n.charAt(k);
                    eq = c == want || (want >= 'a' && want <= 'z' && c == want - 32);
                }
                if (eq) {
                    return t;
                }
            }
        }
        return T_UNSET;
    }

    private String quote(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return GoQuote.quote(b, 0, b.length);
    }

    /**
     * The family a name belongs to, created when new: the name itself, else for
     * {@code _sum}/{@code _count} a summary of the stripped name, else for
     * {@code _sum}/{@code _count}/{@code _bucket} a histogram of the stripped name. Sets
     * {@link #lastRole} for that name.
     */
    private Family resolve(int off, int len) {
        String name = names.intern(buf, off, len);
        Family f = families.get(name);
        if (f != null) {
            lastRole = switch (f.type) {
                case T_SUMMARY -> R_SUMMARY_QUANTILE;
                case T_HISTOGRAM -> R_HISTOGRAM_BUCKET;
                case T_GAUGE_HISTOGRAM -> R_DROPPED;
                default -> R_PLAIN;
            };
            return f;
        }
        if (typed) {
            int suffix = endsWith(off, len, "_count") ? 6 : endsWith(off, len, "_sum") ? 4 : 0;
            if (suffix > 0) {
                Family base = families.get(names.intern(buf, off, len - suffix));
                if (base != null && base.type == T_SUMMARY) {
                    lastRole = suffix == 6 ? R_SUMMARY_COUNT : R_SUMMARY_SUM;
                    return base;
                }
            }
            if (suffix == 0 && endsWith(off, len, "_bucket")) {
                suffix = 7;
            }
            if (suffix > 0) {
                Family base = families.get(names.intern(buf, off, len - suffix));
                if (base != null && base.type == T_HISTOGRAM) {
                    lastRole = suffix == 6 ? R_HISTOGRAM_COUNT : suffix == 4 ? R_HISTOGRAM_SUM : R_HISTOGRAM_BUCKET_NAMED;
                    return base;
                }
            }
        }
        if (!typed && families.size() >= 65536) {
            families.clear(); // untyped: families are only names, keep memory flat on huge imports
        }
        f = new Family(name);
        families.put(name, f);
        lastRole = R_PLAIN;
        return f;
    }

    private boolean endsWith(int off, int len, String suffix) {
        int n = suffix.length();
        if (len <= n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (buf[off + len - n + k] != suffix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The first position at or after {@code pos} that is not a metric name character. */
    private int nameEnd(int pos) {
        byte[] b = buf;
        int e = end;
        while (pos < e && NAME_CHAR[b[pos] & 0xff]) {
            pos++;
        }
        return pos;
    }

    private int sample(int pos) throws ExpositionException {
        int nameOff = pos;
        // The name, by table: the longest stretch of a line that is scanned byte by byte.
        byte[] b = buf;
        int e = end;
        if (pos < e && NAME_START[b[pos] & 0xff]) {
            pos = nameEnd(pos + 1);
        }
        int c = pos < e ? b[pos] & 0xff : EOF;
        int nameLen = pos - nameOff;
        if (c == EOF) {
            throw eof(pos);
        }
        if (nameLen == 0) {
            throw error(pos, "invalid metric name");
        }
        Family f;
        int role;
        boolean sameName = lastNameOff >= 0 && lastNameLen == nameLen
                && java.util.Arrays.equals(buf, lastNameOff, lastNameOff + nameLen, buf, nameOff, nameOff + nameLen);
        if (sameName) {
            f = lastFamily;
            role = lastRole;
        } else {
            f = resolve(nameOff, nameLen);
            if (f.type == T_UNSET) {
                f.type = T_UNTYPED; // a later TYPE line is now an error, as in the reference
                lastRole = R_PLAIN;
            }
            role = lastRole;
            lastNameOff = nameOff;
            lastNameLen = nameLen;
            lastFamily = f;
        }
        while (blank(c)) {
            c = at(++pos);
        }
        if (c == EOF) {
            throw eof(pos);
        }
        Object labels;
        int keyEnd;
        // The same label set as this position of the group's previous body: its bytes up to the
        // closing brace are the whole key, so neither the scan for the brace nor a hash is needed.
        // The previous line (the last lookup) began with this same name: when the brace follows the
        // name directly, the cache need not compare the name again, only the label block.
        if (c == '{' && (labels = cache.matchNext(buf, nameOff, pos, end, role, sameName && pos == nameOff + nameLen)) != null) {
            keyEnd = nameOff + cache.matchedLength();
        } else {
            keyEnd = c == '{' ? labelsEnd(pos) : nameOff + nameLen;
            if (keyEnd < 0) {
                labels = labels(f, role, nameOff, nameLen, pos); // reports the error
                throw new IllegalStateException("label scan and label parse disagree");
            }
            int brace = c == '{' ? pos : keyEnd;
            labels = cache.find(buf, nameOff, brace, keyEnd, role);
            if (labels == null) {
                labels = labels(f, role, nameOff, nameLen, pos);
                cache.store(buf, nameOff, brace, keyEnd, role, labels);
            }
        }
        if (c == '{') {
            pos = keyEnd;
            c = at(pos);
            while (blank(c)) {
                c = at(++pos);
            }
            if (c == EOF) {
                throw eof(pos);
            }
        }
        // The value: up to a blank or the end of the line.
        int valOff = pos;
        while (c != EOF && c != '\n' && !blank(c)) {
            c = at(++pos);
        }
        if (c == EOF) {
            throw eof(pos);
        }
        double value = Floats.parse(buf, valOff, pos - valOff);
        if (Floats.isInvalid(value)) {
            throw error(valOff, "expected float as value, got " + GoQuote.quote(buf, valOff, pos - valOff));
        }
        boolean hasTs = false;
        long ts = 0;
        if (c != '\n' && !typed) {
            // Import is lenient where its namesake elsewhere is: blanks may trail the value.
            while (blank(c)) {
                c = at(++pos);
            }
        }
        if (c != '\n') {
            while (blank(c)) {
                c = at(++pos);
            }
            if (c == EOF) {
                throw eof(pos);
            }
            int tsOff = pos;
            while (c != EOF && c != '\n' && !blank(c)) {
                c = at(++pos);
            }
            if (c == EOF) {
                throw eof(pos);
            }
            if (!Floats.isLong(buf, tsOff, pos - tsOff)) {
                throw error(tsOff, "expected integer as timestamp, got " + GoQuote.quote(buf, tsOff, pos - tsOff));
            }
            ts = Floats.parseLong(buf, tsOff, pos - tsOff);
            hasTs = true;
            if (!typed) {
                while (blank(c)) {
                    c = at(++pos);
                }
            }
            int rest = pos;
            while (c != '\n') {
                if (c == EOF) {
                    throw eof(pos);
                }
                c = at(++pos);
            }
            if (pos > rest) {
                throw error(rest, "spurious string after timestamp: " + GoQuote.quote(buf, rest, pos - rest));
            }
        }
        if (labels != DROP) {
            sink.sample(f.name, (Labels) labels, value, hasTs, ts, line);
        }
        return pos + 1;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private static long zeroBytes(long v) {
        return (v - ONES) & ~v & HIGHS;
    }

    /**
     * The first index in {@code [i, e)} holding {@code "}, {@code \}, <code>}</code> or a newline,
     * else {@code e}; eight bytes at a time (long label values are the bulk of a Flink line). The
     * lowest flagged byte of the zero-byte test is always a true match.
     */
    private static int nextSpecial(byte[] b, int i, int e) {
        for (; i + 8 <= e; i += 8) {
            long w = (long) LONGS.get(b, i);
            long m = zeroBytes(w ^ (ONES * '"')) | zeroBytes(w ^ (ONES * '\\')) | zeroBytes(w ^ (ONES * '}'))
                    | zeroBytes(w ^ (ONES * '\n'));
            if (m != 0) {
                return i + (Long.numberOfTrailingZeros(m) >>> 3);
            }
        }
        for (; i < e; i++) {
            byte c = b[i];
            if (c == '"' || c == '\\' || c == '}' || c == '\n') {
                return i;
            }
        }
        return e;
    }

    /**
     * Where the label set starting at the {@code '{'} at {@code pos} ends (after its
     * {@code '}'}), skipping quoted values; -1 when the line ends first (the slow path then
     * reports what is wrong).
     */
    private int labelsEnd(int pos) {
        byte[] b = buf;
        int e = end;
        int i = pos + 1;
        boolean quoted = false;
        while (true) {
            i = nextSpecial(b, i, e);
            if (i >= e) {
                return -1;
            }
            byte c = b[i];
            if (c == '\n') {
                return -1;
            }
            if (quoted) {
                if (c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '}') {
                return i + 1;
            }
            i++;
        }
    }

    /**
     * The slow path: parses the label set at {@code pos} (if any) with every check of the
     * reference and builds the series' labels for its role, or {@link #DROP}.
     */
    private Object labels(Family f, int role, int nameOff, int nameLen, int pos) throws ExpositionException {
        int n = 0; // strings in kv
        double bound = Double.NaN;
        boolean summary = role >= R_SUMMARY_QUANTILE && role <= R_SUMMARY_SUM;
        boolean histogram = role >= R_HISTOGRAM_BUCKET && role <= R_HISTOGRAM_BUCKET_NAMED;
        seen.reset();
        int c = at(pos);
        if (c == '{') {
            while (true) {
                c = at(++pos);
                while (blank(c)) {
                    c = at(++pos);
                }
                if (c == EOF) {
                    throw eof(pos);
                }
                if (c == '}') {
                    break;
                }
                int lnOff = pos;
                if (labelStart(c)) {
                    while (labelChar(c)) {
                        c = at(++pos);
                    }
                }
                if (c == EOF) {
                    throw eof(pos);
                }
                if (pos == lnOff) {
                    throw error(pos, "invalid label name for metric " + quote(f.name));
                }
                String ln = names.intern(buf, lnOff, pos - lnOff);
                if (ln.equals(Labels.METRIC_NAME)) {
                    throw error(lnOff, "label name \"__name__\" is reserved");
                }
                boolean special = (summary && ln.equals(QUANTILE)) || (histogram && ln.equals(LE));
                while (blank(c)) {
                    c = at(++pos);
                }
                if (c == EOF) {
                    throw eof(pos);
                }
                if (c != '=') {
                    throw error(pos, "expected '=' after label name, found " + GoQuote.quoteByte(c));
                }
                if (!special && !seen.add(ln)) {
                    throw error(lnOff, "duplicate label names for metric " + quote(f.name));
                }
                c = at(++pos);
                while (blank(c)) {
                    c = at(++pos);
                }
                if (c == EOF) {
                    throw eof(pos);
                }
                if (c != '"') {
                    throw error(pos, "expected '\"' at start of label value, found " + GoQuote.quoteByte(c));
                }
                // The value, unescaped into scratch when it has escapes.
                int vOff = ++pos;
                byte[] vb = buf;
                int vLen;
                int sLen = 0;
                boolean escaped = false;
                while (true) {
                    c = at(pos);
                    if (c == EOF) {
                        throw eof(pos);
                    }
                    if (c == '"') {
                        break;
                    }
                    if (c == '\n') {
                        byte[] s = escaped ? scratch : buf;
                        int so = escaped ? 0 : vOff;
                        int sl = escaped ? sLen : pos - vOff;
                        throw error(pos, "label value " + GoQuote.quote(s, so, sl) + " contains unescaped new-line");
                    }
                    if (c == '\\') {
                        int e = at(pos + 1);
                        if (e == EOF) {
                            throw eof(pos + 1);
                        }
                        if (e != '"' && e != '\\' && e != 'n') {
                            throw error(pos, "invalid escape sequence '\\" + escapedChar(e) + "'");
                        }
                        if (!escaped) {
                            escaped = true;
                            sLen = pos - vOff;
                            System.arraycopy(buf, vOff, scratch(sLen + 64), 0, sLen);
                        }
                        scratch(sLen + 1)[sLen++] = (byte) (e == 'n' ? '\n' : e);
                        pos += 2;
                        continue;
                    }
                    if (escaped) {
                        scratch(sLen + 1)[sLen++] = (byte) c;
                    }
                    pos++;
                }
                int valueOff;
                if (escaped) {
                    vb = scratch;
                    valueOff = 0;
                    vLen = sLen;
                } else {
                    valueOff = vOff;
                    vLen = pos - vOff;
                }
                if (!Utf8.isValid(vb, valueOff, valueOff + vLen)) {
                    throw error(vOff, "invalid label value " + GoQuote.quote(vb, valueOff, vLen));
                }
                if (special) {
                    double d = Floats.parse(vb, valueOff, vLen);
                    if (Floats.isInvalid(d)) {
                        throw error(vOff, "expected float as value for '" + ln + "' label, got " + GoQuote.quote(vb, valueOff, vLen));
                    }
                    bound = d;
                } else {
                    if (n + 2 > kv.length) {
                        kv = java.util.Arrays.copyOf(kv, kv.length * 2);
                    }
                    kv[n++] = ln;
                    kv[n++] = vLen == 0 ? "" : values.intern(vb, valueOff, vLen);
                }
                c = at(++pos);
                while (blank(c)) {
                    c = at(++pos);
                }
                if (c == EOF) {
                    throw eof(pos);
                }
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    String v = escaped ? Interner.decode(vb, valueOff, vLen) : Interner.decode(buf, vOff, vLen);
                    byte[] vbytes = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    throw error(pos, "unexpected end of label value " + GoQuote.quote(vbytes, 0, vbytes.length));
                }
            }
        }
        if (role == R_DROPPED) {
            return DROP;
        }
        String metric = names.intern(buf, nameOff, nameLen);
        switch (role) {
            case R_SUMMARY_QUANTILE -> {
                if (Double.isNaN(bound)) {
                    return DROP;
                }
                n = add(n, QUANTILE, GoFloat.g(bound));
            }
            case R_HISTOGRAM_BUCKET, R_HISTOGRAM_BUCKET_NAMED -> {
                if (Double.isNaN(bound)) {
                    return DROP;
                }
                if (role == R_HISTOGRAM_BUCKET) {
                    if (f.bucketName == null) {
                        f.bucketName = f.name + "_bucket";
                    }
                    metric = f.bucketName;
                }
                n = add(n, LE, GoFloat.g(bound));
            }
            default -> {
            }
        }
        n = add(n, Labels.METRIC_NAME, metric);
        String[] pairs = java.util.Arrays.copyOf(kv, n);
        return Labels.of(pairs);
    }

    private int add(int n, String name, String value) {
        if (n + 2 > kv.length) {
            kv = java.util.Arrays.copyOf(kv, kv.length * 2);
        }
        kv[n++] = name;
        kv[n++] = value;
        return n;
    }

    private byte[] scratch(int size) {
        if (scratch.length < size) {
            scratch = java.util.Arrays.copyOf(scratch, Math.max(size, scratch.length * 2));
        }
        return scratch;
    }
}
