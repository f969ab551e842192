package dev.vigil.query.eval;

import static dev.vigil.query.eval.StepSeries.ABSENT;
import static dev.vigil.query.eval.StepSeries.absent;
import static dev.vigil.query.eval.StepSeries.present;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An aggregation over all steps at once, fed one input series at a time so the input never needs
 * to be held in memory (only the groups are). Semantics are Prometheus 2.x's {@code aggregation}.
 */
final class Aggregation implements Evaluator.Sink {
    private final String op;
    private final Set<String> grouping;
    private final boolean without;
    private final int steps;
    private final double[] param;
    private final String valueLabel;
    private final Map<Labels, Group> groups = new LinkedHashMap<>();
    private final Map<Labels, Labels> keyCache = new HashMap<>();

    private static final int SUM = 1;
    private static final int MAX = 2;
    private static final int MIN = 3;
    /** SUM, MAX or MIN for the aggregations folded in {@link #accept} directly, else 0. */
    private final int simple;

    /** The operator, switched on per sample without string comparisons. */
    private enum Kind { SUM_OP, AVG, COUNT, GROUP, MAX_OP, MIN_OP, STDDEV, STDVAR, QUANTILE, TOPK, BOTTOMK, COUNT_VALUES, OTHER }

    private final Kind kind;

    Aggregation(String op, List<String> grouping, boolean without, int steps, double[] param, String valueLabel) {
        this.op = op;
        this.simple = switch (op) {
            case "sum" -> SUM;
            case "max" -> MAX;
            case "min" -> MIN;
            default -> 0;
        };
        this.kind = switch (op) {
            case "sum" -> Kind.SUM_OP;
            case "avg" -> Kind.AVG;
            case "count" -> Kind.COUNT;
            case "group" -> Kind.GROUP;
            case "max" -> Kind.MAX_OP;
            case "min" -> Kind.MIN_OP;
            case "stddev" -> Kind.STDDEV;
            case "stdvar" -> Kind.STDVAR;
            case "quantile" -> Kind.QUANTILE;
            case "topk" -> Kind.TOPK;
            case "bottomk" -> Kind.BOTTOMK;
            case "count_values" -> Kind.COUNT_VALUES;
            default -> Kind.OTHER;
        };
        this.grouping = new TreeSet<>(grouping);
        this.without = without;
        this.steps = steps;
        this.param = param;
        this.valueLabel = valueLabel;
        if (op.equals("count_values") && !LabelOps.validName(valueLabel)) {
            throw new QueryException(ErrorType.EXECUTION, "invalid label name " + LabelOps.quote(valueLabel));
        }
        if (op.equals("topk") || op.equals("bottomk")) {
            for (double k : param) {
                if (!(k >= -0x1p63 && k <= 0x1p63 - 1024) || Double.isNaN(k)) {
                    throw new QueryException(ErrorType.EXECUTION, "Scalar value " + goV(k) + " overflows int64");
                }
            }
        }
    }

    private static String goV(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        String s = String.format(java.util.Locale.ROOT, "%.17g", d);
        return new java.math.BigDecimal(s).stripTrailingZeros().toString().replace("E+", "e+").replace("E-", "e-");
    }

    private Labels groupLabels(Labels metric) {
        if (without) {
            Labels.Builder b = metric.toBuilder();
            for (String g : grouping) {
                b.remove(g);
            }
            b.remove(Labels.METRIC_NAME);
            return b.build();
        }
        if (grouping.isEmpty()) {
            return Labels.EMPTY;
        }
        return metric.keep(grouping);
    }

    @Override
    public void accept(StepSeries s) {
        if (op.equals("count_values")) {
            acceptCountValues(s);
            return;
        }
        Labels gl = keyCache.computeIfAbsent(s.labels, this::groupLabels);
        Group g = groups.get(gl);
        if (g == null) {
            g = new Group(gl);
            groups.put(gl, g);
        }
        double[] v = s.v;
        if (simple != 0) {
            // sum, max and min over all steps in one loop, without the per-step dispatch.
            if (g.val == null) {
                g.val = StepSeries.absentArray(steps);
            }
            double[] acc = g.val;
            for (int k = 0; k < steps; k++) {
                double x = v[k];
                if (!present(x)) {
                    continue;
                }
                double c = acc[k];
                if (simple == SUM) {
                    acc[k] = absent(c) ? x : c + x;
                } else if (simple == MAX ? absent(c) || c < x || Double.isNaN(c) : absent(c) || c > x || Double.isNaN(c)) {
                    acc[k] = x;
                }
            }
            return;
        }
        for (int k = 0; k < steps; k++) {
            double x = v[k];
            if (present(x)) {
                g.add(k, x, s.labels);
            }
        }
    }

    private void acceptCountValues(StepSeries s) {
        for (int k = 0; k < steps; k++) {
            double x = s.v[k];
            if (absent(x)) {
                continue;
            }
            Labels metric = s.labels.toBuilder().set(valueLabel, LabelOps.formatPlain(x)).build();
            Labels gl;
            if (without) {
                gl = groupLabels(metric);
            } else {
                Set<String> keep = new TreeSet<>(grouping);
                keep.add(valueLabel);
                gl = metric.keep(keep);
            }
            Group g = groups.get(gl);
            if (g == null) {
                g = new Group(gl);
                groups.put(gl, g);
            }
            if (g.cnt == null) {
                g.cnt = new double[steps];
            }
            g.cnt[k]++;
        }
    }

    /** The result series, groups in order of first appearance (topk/bottomk: sorted per group). */
    List<StepSeries> result() {
        List<StepSeries> out = new ArrayList<>(groups.size());
        if (op.equals("topk") || op.equals("bottomk")) {
            Map<Labels, StepSeries> bySeries = new LinkedHashMap<>();
            for (Group g : groups.values()) {
                for (int k = 0; k < steps; k++) {
                    Heap h = g.heaps == null ? null : g.heaps[k];
                    if (h == null) {
                        continue;
                    }
                    for (int i : h.sortedForOutput()) {
                        Labels l = h.labels[i];
                        StepSeries ss = bySeries.get(l);
                        if (ss == null) {
                            ss = new StepSeries(l, StepSeries.absentArray(steps));
                            bySeries.put(l, ss);
                        }
                        ss.v[k] = h.vals[i];
                    }
                }
            }
            out.addAll(bySeries.values());
            return out;
        }
        for (Group g : groups.values()) {
            double[] r = StepSeries.absentArray(steps);
            boolean any = false;
            for (int k = 0; k < steps; k++) {
                double x = g.value(k);
                if (present(x)) {
                    r[k] = x;
                    any = true;
                }
            }
            if (any) {
                out.add(new StepSeries(g.labels, r));
            }
        }
        return out;
    }

    /** Prometheus's topk/bottomk heap (container/heap rules, NaN sorts lowest), so ties resolve alike. */
    private static final class Heap {
        final boolean reverse;
        double[] vals = new double[2];
        Labels[] labels = new Labels[2];
        int n;

        Heap(boolean reverse) {
            this.reverse = reverse;
        }

        boolean less(int i, int j) {
            if (Double.isNaN(vals[i])) {
                return true;
            }
            return reverse ? vals[i] > vals[j] : vals[i] < vals[j];
        }

        void swap(int i, int j) {
            double v = vals[i];
            vals[i] = vals[j];
            vals[j] = v;
            Labels l = labels[i];
            labels[i] = labels[j];
            labels[j] = l;
        }

        void push(double v, Labels l) {
            if (n == vals.length) {
                vals = java.util.Arrays.copyOf(vals, n * 2);
                labels = java.util.Arrays.copyOf(labels, n * 2);
            }
            vals[n] = v;
            labels[n] = l;
            n++;
            int j = n - 1;
            while (true) {
                int i = (j - 1) / 2;
                if (i == j || !less(j, i)) {
                    break;
                }
                swap(i, j);
                j = i;
            }
        }

        void pop() {
            int last = n - 1;
            swap(0, last);
            int i = 0;
            while (true) {
                int j1 = 2 * i + 1;
                if (j1 >= last || j1 < 0) {
                    break;
                }
                int j = j1;
                int j2 = j1 + 1;
                if (j2 < last && less(j2, j1)) {
                    j = j2;
                }
                if (!less(j, i)) {
                    break;
                }
                swap(i, j);
                i = j;
            }
            n--;
            labels[n] = null;
        }

        int[] sortedForOutput() {
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            // Descending for topk, ascending for bottomk; NaN last either way.
            java.util.Arrays.sort(idx, (a, b) -> {
                double x = vals[a];
                double y = vals[b];
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
                }
                return reverse ? Double.compare(x, y) : Double.compare(y, x);
            });
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = idx[i];
            }
            return r;
        }
    }

    private final class Group {
        final Labels labels;
        double[] val;
        double[] mean;
        double[] cnt;
        double[][] list;
        Heap[] heaps;

        Group(Labels labels) {
            this.labels = labels;
        }

        void add(int k, double v, Labels metric) {
            switch (kind) {
                case SUM_OP -> {
                    if (val == null) {
                        val = StepSeries.absentArray(steps);
                    }
                    val[k] = absent(val[k]) ? v : val[k] + v;
                }
                case AVG -> {
                    if (mean == null) {
                        mean = new double[steps];
                        cnt = new double[steps];
                    }
                    if (cnt[k] == 0) {
                        mean[k] = v;
                        cnt[k] = 1;
                        return;
                    }
                    double c = ++cnt[k];
                    double m = mean[k];
                    if (Double.isInfinite(m)) {
                        if (Double.isInfinite(v) && (m > 0) == (v > 0)) {
                            return;
                        }
                        if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                            return;
                        }
                    }
                    mean[k] = m + (v / c - m / c);
                }
                case COUNT -> {
                    if (cnt == null) {
                        cnt = new double[steps];
                    }
                    cnt[k]++;
                }
                case GROUP -> {
                    if (val == null) {
                        val = StepSeries.absentArray(steps);
                    }
                    val[k] = 1;
                }
                case MAX_OP -> {
                    if (val == null) {
                        val = StepSeries.absentArray(steps);
                    }
                    double c = val[k];
                    if (absent(c) || c < v || Double.isNaN(c)) {
                        val[k] = v;
                    }
                }
                case MIN_OP -> {
                    if (val == null) {
                        val = StepSeries.absentArray(steps);
                    }
                    double c = val[k];
                    if (absent(c) || c > v || Double.isNaN(c)) {
                        val[k] = v;
                    }
                }
                case STDDEV, STDVAR -> {
                    if (val == null) {
                        val = new double[steps];
                        mean = new double[steps];
                        cnt = new double[steps];
                    }
                    if (cnt[k] == 0) {
                        cnt[k] = 1;
                        mean[k] = v;
                        val[k] = 0;
                        return;
                    }
                    double c = ++cnt[k];
                    double delta = v - mean[k];
                    mean[k] += delta / c;
                    val[k] += delta * (v - mean[k]);
                }
                case QUANTILE -> {
                    if (list == null) {
                        list = new double[steps][];
                        cnt = new double[steps];
                    }
                    double[] l = list[k];
                    int n = (int) cnt[k];
                    if (l == null) {
                        l = new double[4];
                        list[k] = l;
                    } else if (n == l.length) {
                        l = java.util.Arrays.copyOf(l, n * 2);
                        list[k] = l;
                    }
                    l[n] = v;
                    cnt[k] = n + 1;
                }
                case TOPK, BOTTOMK -> {
                    long kk = (long) param[k];
                    if (kk < 1) {
                        return;
                    }
                    if (heaps == null) {
                        heaps = new Heap[steps];
                    }
                    boolean bottom = kind == Kind.BOTTOMK;
                    Heap h = heaps[k];
                    if (h == null) {
                        h = new Heap(bottom);
                        heaps[k] = h;
                        h.push(v, metric);
                        return;
                    }
                    double top = h.vals[0];
                    boolean better = bottom ? top > v : top < v;
                    if (h.n < kk || better || Double.isNaN(top)) {
                        if (h.n == kk) {
                            if (kk == 1) {
                                h.vals[0] = v;
                                h.labels[0] = metric;
                                return;
                            }
                            h.pop();
                        }
                        h.push(v, metric);
                    }
                }
                default -> throw new QueryException(ErrorType.BAD_DATA, "unknown aggregation " + op);
            }
        }

        double value(int k) {
            switch (kind) {
                case SUM_OP, GROUP, MAX_OP, MIN_OP:
                    return val == null ? ABSENT : val[k];
                case AVG:
                    return cnt == null || cnt[k] == 0 ? ABSENT : mean[k];
                case COUNT, COUNT_VALUES:
                    return cnt == null || cnt[k] == 0 ? ABSENT : cnt[k];
                case STDDEV:
                    return cnt == null || cnt[k] == 0 ? ABSENT : Math.sqrt(val[k] / cnt[k]);
                case STDVAR:
                    return cnt == null || cnt[k] == 0 ? ABSENT : val[k] / cnt[k];
                case QUANTILE:
                    return list == null || cnt[k] == 0 ? ABSENT : Quantiles.quantile(param[k], list[k], (int) cnt[k]);
                default:
                    return ABSENT;
            }
        }
    }
}
