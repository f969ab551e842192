package dev.vigil.query.rules;

import dev.vigil.query.Engine;
import dev.vigil.query.QueryException;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.value.Sample;
import dev.vigil.query.value.Scalar;
import dev.vigil.query.value.Value;
import dev.vigil.query.value.Vector;
import dev.vigil.tsdb.Labels;
import java.util.List;
import java.util.Map;

/**
 * What rules evaluate with: the engine, the external labels and URL, and the group's limit.
 *
 * @param externalLabels {@code global.external_labels}, for {@code $externalLabels}
 * @param externalURL {@code --web.external-url}, for {@code $externalURL} and generator URLs
 */
record RuleContext(Engine engine, Map<String, String> externalLabels, String externalURL, int limit) {
    /** Prometheus's EngineQueryFunc: a vector as is, a scalar as one sample without labels, anything else an error. */
    List<Sample> query(String q, long ts) {
        Value v = engine.instant(q, ts, QueryOptions.DEFAULT).value();
        if (v instanceof Vector vec) {
            return vec.samples();
        }
        if (v instanceof Scalar s) {
            return List.of(new Sample(Labels.EMPTY, ts, s.v()));
        }
        throw new QueryException(QueryException.ErrorType.EXECUTION, "rule result is not a vector or scalar");
    }
}
