package dev.vigil.query.eval;

import static dev.vigil.query.eval.Evaluator.perStepUnique;
import static dev.vigil.query.eval.StepSeries.present;

import dev.vigil.query.ast.Call;
import dev.vigil.query.eval.Evaluator.Sink;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The histogram functions: quantiles of classic buckets; the native-histogram ones see no floats. */
final class HistogramFunctions {
    private HistogramFunctions() {}

    /** {@code histogram_quantile(q, buckets)} over classic {@code le} buckets. */
    static void quantile(Evaluator ev, Call c, Grid g, Sink sink) {
        int n = g.steps();
        double[] q = ev.scalar(c.args().get(0), g);
        // Buckets grouped by their labels without le; the result drops le and the name.
        Map<Labels, List<double[]>> groups = new LinkedHashMap<>();
        Map<Labels, List<Double>> bounds = new HashMap<>();
        ev.vector(c.args().get(1), g, s -> {
            double ub;
            try {
                ub = LabelOps.parseGoFloat(s.labels.get("le"));
            } catch (NumberFormatException e) {
                return;
            }
            Labels key = s.labels.without("le");
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(s.v);
            bounds.computeIfAbsent(key, x -> new ArrayList<>()).add(ub);
        });
        Sink down = perStepUnique(n, sink);
        for (Map.Entry<Labels, List<double[]>> e : groups.entrySet()) {
            List<double[]> rows = e.getValue();
            List<Double> ub = bounds.get(e.getKey());
            double[] upper = new double[rows.size()];
            double[] count = new double[rows.size()];
            double[] out = StepSeries.absentArray(n);
            boolean any = false;
            for (int k = 0; k < n; k++) {
                int m = 0;
                for (int i = 0; i < rows.size(); i++) {
                    double v = rows.get(i)[k];
                    if (present(v)) {
                        upper[m] = ub.get(i);
                        count[m++] = v;
                    }
                }
                if (m > 0) {
                    out[k] = Quantiles.bucketQuantile(q[k], upper, count, m);
                    any = true;
                }
            }
            if (any) {
                down.accept(new StepSeries(LabelOps.dropName(e.getKey()), out));
            }
        }
    }

    /** {@code histogram_count}, {@code histogram_sum}, {@code histogram_fraction}: float samples are skipped, so classic data gives nothing. */
    static void nativeOnly(Evaluator ev, Call c, Grid g) {
        ev.vector(c.args().get(c.args().size() - 1), g, s -> {
        });
    }
}
