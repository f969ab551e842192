package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import java.io.PrintStream;

/** {@code tsdb dump}: every sample in a range, as promtool prints them: {@code {labels} value timestamp}. */
public final class Dump {
    private Dump() {
    }

    /** @return the number of samples printed */
    public static long print(DataFolder folder, long mint, long maxt, Matcher[] matchers, PrintStream out) {
        long n = 0;
        StringBuilder sb = new StringBuilder();
        try (Querier q = folder.querier(mint, maxt)) {
            SeriesSet set = q.select(true, new SelectHints(mint, maxt, 0, 0, null), matchers);
            SampleIterator it = null;
            while (set.next()) {
                String labels = labels(set.at().labels());
                it = set.at().iterator(it);
                if (!it.seek(mint)) {
                    continue;
                }
                do {
                    if (it.t() > maxt) {
                        break;
                    }
                    sb.setLength(0);
                    sb.append(labels).append(' ').append(GoFormat.g(it.v())).append(' ').append(it.t());
                    out.println(sb);
                    n++;
                } while (it.next());
            }
        }
        return n;
    }

    /** Go's {@code labels.String()}: every label inside the braces, the name included, values quoted. */
    static String labels(Labels l) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(l.name(i)).append("=\"");
            String v = l.value(i);
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }
}
