package dev.vigil.tsdb.tools;

import java.io.PrintStream;
import java.util.List;

/** Left-aligned columns two spaces apart and at least 13 wide, as promtool's Go tabwriter lays them out. */
final class Table {
    private static final int MIN_WIDTH = 13;

    private Table() {
    }

    static void print(List<String[]> rows, PrintStream out) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], Math.max(r[i].length() + 2, MIN_WIDTH));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.setLength(0);
            for (int i = 0; i < cols; i++) {
                sb.append(r[i]);
                if (i < cols - 1) {
                    sb.append(" ".repeat(width[i] - r[i].length()));
                }
            }
            out.println(sb);
        }
    }
}
