package dev.vigil.query.eval;

import static dev.vigil.query.eval.StepSeries.ABSENT;
import static dev.vigil.query.eval.StepSeries.present;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.ast.BinaryExpr;
import dev.vigil.query.ast.VectorMatching;
import dev.vigil.query.ast.VectorMatching.Cardinality;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Binary operators: scalar arithmetic and Prometheus 2.x vector matching. */
final class BinaryOps {
    private BinaryOps() {
    }

    static boolean isComparison(String op) {
        return switch (op) {
            case "==", "!=", ">", "<", ">=", "<=" -> true;
            default -> false;
        };
    }

    static boolean dropsName(String op) {
        return switch (op) {
            case "+", "-", "*", "/", "%", "^" -> true;
            default -> false;
        };
    }

    static double arith(String op, double l, double r) {
        return switch (op) {
            case "+" -> l + r;
            case "-" -> l - r;
            case "*" -> l * r;
            case "/" -> l / r;
            case "%" -> goMod(l, r);
            case "^" -> goPow(l, r);
            case "atan2" -> Math.atan2(l, r);
            default -> throw new QueryException(ErrorType.BAD_DATA, "operator " + op + " not allowed here");
        };
    }

    /** The operator as a code for {@link #arith(int, double, double)}, or -1 when it has none. */
    static int arithCode(String op) {
        return switch (op) {
            case "+" -> 0;
            case "-" -> 1;
            case "*" -> 2;
            case "/" -> 3;
            default -> -1;
        };
    }

    /** {@link #arith(String, double, double)} for the four operators with a code. */
    static double arith(int code, double l, double r) {
        return switch (code) {
            case 0 -> l + r;
            case 1 -> l - r;
            case 2 -> l * r;
            default -> l / r;
        };
    }

    /** Go's math.Mod: result has the sign of l; same as Java's % on doubles. */
    private static double goMod(double l, double r) {
        return l % r;
    }

    /** Go's math.Pow differs from Java's for a few special cases. */
    private static double goPow(double x, double y) {
        if (x == 1 || y == 0) {
            return 1;
        }
        if (x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    static boolean compare(String op, double l, double r) {
        return switch (op) {
            case "==" -> l == r;
            case "!=" -> l != r;
            case ">" -> l > r;
            case "<" -> l < r;
            case ">=" -> l >= r;
            case "<=" -> l <= r;
            default -> throw new QueryException(ErrorType.BAD_DATA, "not a comparison: " + op);
        };
    }

    static double scalarOp(String op, double l, double r) {
        if (isComparison(op)) {
            return compare(op, l, r) ? 1 : 0;
        }
        return arith(op, l, r);
    }

    /** A vector–vector operation, all steps at once. */
    static void vectorOp(BinaryExpr b, List<StepSeries> lhs, List<StepSeries> rhs, int n, QueryContext ctx,
            Evaluator.Sink sink) {
        VectorMatching vm = b.matching();
        if (vm == null) {
            vm = new VectorMatching(isSetOp(b.op()) ? Cardinality.MANY_TO_MANY : Cardinality.ONE_TO_ONE, List.of(), false, List.of());
        }
        switch (b.op()) {
            case "and", "or", "unless" -> setOp(b.op(), vm, lhs, rhs, n, sink);
            default -> arithOp(b, vm, lhs, rhs, n, ctx, sink);
        }
    }

    private static boolean isSetOp(String op) {
        return op.equals("and") || op.equals("or") || op.equals("unless");
    }

    private static Labels[] signatures(List<StepSeries> side, VectorMatching vm) {
        Labels[] sig = new Labels[side.size()];
        Map<Labels, Labels> cache = new HashMap<>();
        for (int i = 0; i < sig.length; i++) {
            sig[i] = cache.computeIfAbsent(side.get(i).labels, l -> LabelOps.matchLabels(l, vm.on(), vm.matchingLabels()));
        }
        return sig;
    }

    /** Per signature, a bitset of the steps where any series of that side has a value. */
    private static Map<Labels, long[]> presence(List<StepSeries> side, Labels[] sig, int n) {
        Map<Labels, long[]> m = new HashMap<>();
        for (int i = 0; i < sig.length; i++) {
            long[] bits = m.computeIfAbsent(sig[i], x -> new long[(n + 63) >>> 6]);
            double[] v = side.get(i).v;
            for (int k = 0; k < n; k++) {
                if (present(v[k])) {
                    bits[k >>> 6] |= 1L << (k & 63);
                }
            }
        }
        return m;
    }

    private static boolean[] anyPresent(List<StepSeries> side, int n) {
        boolean[] r = new boolean[n];
        for (StepSeries s : side) {
            for (int k = 0; k < n; k++) {
                if (present(s.v[k])) {
                    r[k] = true;
                }
            }
        }
        return r;
    }

    private static boolean has(long[] bits, int k) {
        return bits != null && (bits[k >>> 6] & (1L << (k & 63))) != 0;
    }

    private static void setOp(String op, VectorMatching vm, List<StepSeries> lhs, List<StepSeries> rhs, int n,
            Evaluator.Sink sink) {
        Labels[] ls = signatures(lhs, vm);
        Labels[] rs = signatures(rhs, vm);
        switch (op) {
            case "and", "unless" -> {
                Map<Labels, long[]> rp = presence(rhs, rs, n);
                boolean and = op.equals("and");
                for (int i = 0; i < lhs.size(); i++) {
                    StepSeries s = lhs.get(i);
                    long[] bits = rp.get(ls[i]);
                    boolean any = false;
                    for (int k = 0; k < n; k++) {
                        if (!present(s.v[k])) {
                            continue;
                        }
                        if (has(bits, k) != and) {
                            s.v[k] = ABSENT;
                        } else {
                            any = true;
                        }
                    }
                    if (any) {
                        sink.accept(s);
                    }
                }
            }
            default -> {
                Map<Labels, long[]> lp = presence(lhs, ls, n);
                for (StepSeries s : lhs) {
                    sink.accept(s);
                }
                for (int i = 0; i < rhs.size(); i++) {
                    StepSeries s = rhs.get(i);
                    long[] bits = lp.get(rs[i]);
                    boolean any = false;
                    for (int k = 0; k < n; k++) {
                        if (!present(s.v[k])) {
                            continue;
                        }
                        if (has(bits, k)) {
                            s.v[k] = ABSENT;
                        } else {
                            any = true;
                        }
                    }
                    if (any) {
                        sink.accept(s);
                    }
                }
            }
        }
    }

    private static void arithOp(BinaryExpr b, VectorMatching vm, List<StepSeries> lhsIn, List<StepSeries> rhsIn, int n,
            QueryContext ctx, Evaluator.Sink sink) {
        if (vm.card() == Cardinality.MANY_TO_MANY) {
            throw new QueryException(ErrorType.BAD_DATA, "many-to-many only allowed for set operators");
        }
        String op = b.op();
        boolean cmp = isComparison(op);
        int arithCode = cmp ? -1 : arithCode(op);
        boolean swap = vm.card() == Cardinality.ONE_TO_MANY;
        // After the swap, "rhs" is always the "one" side.
        List<StepSeries> lhs = swap ? rhsIn : lhsIn;
        List<StepSeries> rhs = swap ? lhsIn : rhsIn;
        boolean[] lAny = anyPresent(lhs, n);
        boolean[] rAny = anyPresent(rhs, n);
        Labels[] ls = signatures(lhs, vm);
        Labels[] rs = signatures(rhs, vm);
        Map<Labels, List<Integer>> rGroups = new LinkedHashMap<>();
        for (int i = 0; i < rs.length; i++) {
            rGroups.computeIfAbsent(rs[i], x -> new ArrayList<>()).add(i);
        }
        // The "one" side must be unique per step wherever both sides have samples.
        for (List<Integer> grp : rGroups.values()) {
            if (grp.size() < 2) {
                continue;
            }
            for (int k = 0; k < n; k++) {
                if (!lAny[k] || !rAny[k]) {
                    continue;
                }
                int first = -1;
                for (int idx : grp) {
                    if (present(rhs.get(idx).v[k])) {
                        if (first >= 0) {
                            StepSeries dup = rhs.get(idx);
                            throw new QueryException(ErrorType.EXECUTION, "found duplicate series for the match group "
                                    + LabelOps.promString(LabelOps.matchLabels(dup.labels, vm.on(), vm.matchingLabels()))
                                    + " on the " + (swap ? "left" : "right") + " hand-side of the operation: ["
                                    + LabelOps.promString(dup.labels) + ", " + LabelOps.promString(rhs.get(first).labels)
                                    + "];many-to-many matching not allowed: matching labels must be unique on one side");
                        }
                        first = idx;
                    }
                }
            }
        }
        Map<Labels, long[]> matchedOneToOne = new HashMap<>();
        Map<List<Labels>, long[]> matchedManyToOne = new HashMap<>();
        Map<List<Labels>, Labels> resultCache = new HashMap<>();
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        int words = (n + 63) >>> 6;
        boolean oneToOne = vm.card() == Cardinality.ONE_TO_ONE;
        for (int i = 0; i < lhs.size(); i++) {
            ctx.tick();
            List<Integer> grp = rGroups.get(ls[i]);
            if (grp == null) {
                continue;
            }
            StepSeries l = lhs.get(i);
            StepSeries[] cands = new StepSeries[grp.size()];
            for (int j = 0; j < cands.length; j++) {
                cands[j] = rhs.get(grp.get(j));
            }
            // What depends on the matched pair only (result labels, its output series and match
            // bits) is looked up when the matched right-hand series changes, not at every step.
            StepSeries lastR = null;
            Labels metric = null;
            StepSeries o = null;
            long[] bits = null;
            for (int k = 0; k < n; k++) {
                double lv = l.v[k];
                if (!present(lv) || !rAny[k]) {
                    continue;
                }
                StepSeries r = null;
                for (StepSeries c : cands) {
                    if (present(c.v[k])) {
                        r = c;
                        break;
                    }
                }
                if (r == null) {
                    continue;
                }
                double vl = lv;
                double vr = r.v[k];
                if (swap) {
                    double t = vl;
                    vl = vr;
                    vr = t;
                }
                double value;
                if (cmp) {
                    boolean keep = compare(op, vl, vr);
                    if (b.returnBool()) {
                        value = keep ? 1 : 0;
                    } else if (!keep) {
                        continue;
                    } else {
                        value = vl;
                    }
                } else {
                    value = arithCode >= 0 ? arith(arithCode, vl, vr) : arith(op, vl, vr);
                }
                if (r != lastR) {
                    lastR = r;
                    final StepSeries rr = r;
                    metric = resultCache.computeIfAbsent(List.of(l.labels, r.labels),
                            x -> resultMetric(l.labels, rr.labels, op, vm, b.returnBool()));
                    bits = oneToOne ? matchedOneToOne.computeIfAbsent(ls[i], x -> new long[words])
                            : matchedManyToOne.computeIfAbsent(List.of(ls[i], metric), x -> new long[words]);
                    o = out.get(metric);
                    if (o == null) {
                        o = new StepSeries(metric, StepSeries.absentArray(n));
                        out.put(metric, o);
                    }
                }
                long bit = 1L << (k & 63);
                if ((bits[k >>> 6] & bit) != 0) {
                    throw new QueryException(ErrorType.EXECUTION, oneToOne
                            ? "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"
                            : "multiple matches for labels: grouping labels must ensure unique matches");
                }
                bits[k >>> 6] |= bit;
                if (present(o.v[k])) {
                    throw Evaluator.sameLabelset();
                }
                o.v[k] = value;
            }
        }
        for (StepSeries s : out.values()) {
            sink.accept(s);
        }
    }

    private static Labels resultMetric(Labels lhs, Labels rhs, String op, VectorMatching vm, boolean returnBool) {
        Labels.Builder b = lhs.toBuilder();
        if (dropsName(op) || returnBool) {
            b.remove(Labels.METRIC_NAME);
        }
        if (vm.card() == Cardinality.ONE_TO_ONE) {
            if (vm.on()) {
                b = lhs.keep(vm.matchingLabels()).toBuilder();
                if (dropsName(op) || returnBool) {
                    b.remove(Labels.METRIC_NAME);
                }
            } else {
                for (String name : vm.matchingLabels()) {
                    b.remove(name);
                }
            }
        }
        for (String name : vm.include()) {
            b.set(name, rhs.get(name));
        }
        return b.build();
    }
}
