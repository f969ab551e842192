package dev.vigil.server.remoteread;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.google.re2j.PatternSyntaxException;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.SelectHints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoded {@code prometheus.ReadRequest} (prompb, remote read 1.0): its queries and the response
 * types the client accepts, in its order of preference.
 *
 * @param acceptedTypes {@link #SAMPLES} or {@link #STREAMED_XOR_CHUNKS} (other numbers as sent)
 */
public record ReadRequest(List<Query> queries, List<Integer> acceptedTypes) {
    public static final int SAMPLES = 0;
    public static final int STREAMED_XOR_CHUNKS = 1;

    /**
     * One query: a closed time range in ms, label matchers, and the optional hints of what the
     * client's engine will do with the series.
     *
     * @param hints null when the client sent none
     */
    public record Query(long startMs, long endMs, List<Matcher> matchers, SelectHints hints) {
    }

    /** Thrown for a body that is not a valid ReadRequest; the message says what is wrong. */
    public static final class BadRequestException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadRequestException(String message) {
            super(message);
        }
    }

    /** Decodes an uncompressed ReadRequest. */
    public static ReadRequest decode(byte[] b) throws BadRequestException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(b);
            List<Query> queries = new ArrayList<>();
            List<Integer> types = new ArrayList<>();
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (tag) {
                    case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> queries.add(query(in, queries.size()));
                    case (2 << 3) | WireFormat.WIRETYPE_VARINT -> types.add(in.readEnum());
                    case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            types.add(in.readEnum());
                        }
                        in.popLimit(limit);
                    }
                    default -> in.skipField(tag);
                }
            }
            return new ReadRequest(queries, types);
        } catch (IOException e) {
            throw new BadRequestException("invalid ReadRequest: " + e.getMessage());
        }
    }

    private static Query query(CodedInputStream in, int index) throws IOException, BadRequestException {
        int limit = in.pushLimit(in.readRawVarint32());
        long start = 0;
        long end = 0;
        List<Matcher> matchers = new ArrayList<>();
        SelectHints hints = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag >>> 3) {
                case 1 -> start = in.readInt64();
                case 2 -> end = in.readInt64();
                case 3 -> matchers.add(matcher(in, index));
                case 4 -> hints = hints(in);
                default -> in.skipField(tag);
            }
        }
        in.popLimit(limit);
        return new Query(start, end, matchers, hints);
    }

    private static Matcher matcher(CodedInputStream in, int index) throws IOException, BadRequestException {
        int limit = in.pushLimit(in.readRawVarint32());
        int type = 0;
        String name = "";
        String value = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag >>> 3) {
                case 1 -> type = in.readEnum();
                case 2 -> name = in.readStringRequireUtf8();
                case 3 -> value = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        in.popLimit(limit);
        Matcher.Type t = switch (type) {
            case 0 -> Matcher.Type.EQ;
            case 1 -> Matcher.Type.NEQ;
            case 2 -> Matcher.Type.RE;
            case 3 -> Matcher.Type.NRE;
            default -> throw new BadRequestException("query " + index + ": invalid matcher type " + type + " for label " + name);
        };
        try {
            return Matcher.of(t, name, value);
        } catch (PatternSyntaxException e) {
            throw new BadRequestException("query " + index + ": invalid regular expression for label " + name + ": "
                    + e.getMessage());
        }
    }

    private static SelectHints hints(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        long step = 0;
        String func = null;
        long start = 0;
        long end = 0;
        long range = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag >>> 3) {
                case 1 -> step = in.readInt64();
                case 2 -> func = in.readStringRequireUtf8();
                case 3 -> start = in.readInt64();
                case 4 -> end = in.readInt64();
                case 7 -> range = in.readInt64();
                default -> in.skipField(tag); // grouping and by: the store does not use them
            }
        }
        in.popLimit(limit);
        return new SelectHints(start, end, step, range, func == null || func.isEmpty() ? null : func);
    }
}
