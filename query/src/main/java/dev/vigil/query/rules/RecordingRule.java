package dev.vigil.query.rules;

import dev.vigil.query.value.Sample;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A recording rule: the expression's result renamed, with the rule's (untemplated) labels. */
public final class RecordingRule extends Rule {
    RecordingRule(RuleSpec spec) {
        super(spec);
    }

    @Override
    List<Sample> eval(long ts, RuleContext ctx) throws RuleEvalException {
        List<Sample> in = ctx.query(query, ts);
        List<Sample> out = new ArrayList<>(in.size());
        Set<Labels> seen = new HashSet<>();
        for (Sample s : in) {
            Labels.Builder b = s.metric().toBuilder().set(Labels.METRIC_NAME, spec.name());
            for (Map.Entry<String, String> e : spec.labels().entrySet()) {
                if (e.getValue().isEmpty()) {
                    b.remove(e.getKey());
                } else {
                    b.set(e.getKey(), e.getValue());
                }
            }
            Labels l = b.build();
            if (!seen.add(l)) {
                throw new RuleEvalException("vector contains metrics with the same labelset after applying rule labels");
            }
            out.add(new Sample(l, ts, s.v()));
        }
        if (ctx.limit() > 0 && out.size() > ctx.limit()) {
            throw new RuleEvalException("exceeded limit of " + ctx.limit() + " with " + out.size() + " series");
        }
        return out;
    }
}
