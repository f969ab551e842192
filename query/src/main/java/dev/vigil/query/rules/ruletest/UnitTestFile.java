package dev.vigil.query.rules.ruletest;

import dev.vigil.query.text.GoText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A {@code promtool test rules} file, read as strictly as promtool reads it (unknown fields are errors). */
record UnitTestFile(List<String> ruleFiles, long evaluationIntervalMs, List<String> groupEvalOrder, List<TestGroup> tests) {

    /** One entry of {@code tests}. */
    record TestGroup(String name, long intervalMs, List<InputSeries> inputSeries, List<AlertTest> alertTests,
            List<ExprTest> exprTests, Map<String, String> externalLabels, String externalURL) {
    }

    record InputSeries(String series, String values) {
    }

    record AlertTest(long evalTimeMs, String alertname, List<ExpAlert> expAlerts) {
    }

    record ExpAlert(Map<String, String> labels, Map<String, String> annotations) {
    }

    record ExprTest(String expr, long evalTimeMs, List<ExpSample> expSamples) {
    }

    record ExpSample(String labels, double value) {
    }

    /** @throws IllegalArgumentException with what is wrong and where */
    static UnitTestFile parse(String text) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        Map<String, Object> m = map(root, "unitTestFile", Set.of("rule_files", "evaluation_interval", "group_eval_order", "tests"));
        List<TestGroup> tests = new ArrayList<>();
        for (Object t : list(m.get("tests"))) {
            tests.add(group(t));
        }
        long eval = m.containsKey("evaluation_interval") ? duration(m.get("evaluation_interval")) : 60_000;
        return new UnitTestFile(strings(m.get("rule_files")), eval, strings(m.get("group_eval_order")), tests);
    }

    private static TestGroup group(Object o) {
        Map<String, Object> m = map(o, "testGroup", Set.of("interval", "input_series", "alert_rule_test", "promql_expr_test",
                "external_labels", "external_url", "name"));
        List<InputSeries> in = new ArrayList<>();
        for (Object s : list(m.get("input_series"))) {
            Map<String, Object> sm = map(s, "series", Set.of("series", "values"));
            in.add(new InputSeries(string(sm.get("series")), string(sm.get("values"))));
        }
        List<AlertTest> alerts = new ArrayList<>();
        for (Object a : list(m.get("alert_rule_test"))) {
            Map<String, Object> am = map(a, "alertTestCase", Set.of("eval_time", "alertname", "exp_alerts"));
            List<ExpAlert> exp = new ArrayList<>();
            for (Object e : list(am.get("exp_alerts"))) {
                Map<String, Object> em = map(e, "alert", Set.of("exp_labels", "exp_annotations"));
                exp.add(new ExpAlert(stringMap(em.get("exp_labels")), stringMap(em.get("exp_annotations"))));
            }
            alerts.add(new AlertTest(duration(am.get("eval_time")), string(am.get("alertname")), exp));
        }
        List<ExprTest> exprs = new ArrayList<>();
        for (Object a : list(m.get("promql_expr_test"))) {
            Map<String, Object> am = map(a, "promqlTestCase", Set.of("expr", "eval_time", "exp_samples"));
            List<ExpSample> exp = new ArrayList<>();
            for (Object e : list(am.get("exp_samples"))) {
                Map<String, Object> em = map(e, "sample", Set.of("labels", "value"));
                exp.add(new ExpSample(string(em.get("labels")), number(em.get("value"))));
            }
            exprs.add(new ExprTest(string(am.get("expr")), duration(am.get("eval_time")), exp));
        }
        return new TestGroup(string(m.get("name")), duration(m.get("interval")), in, alerts, exprs,
                stringMap(m.get("external_labels")), string(m.get("external_url")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String type, Set<String> known) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("cannot unmarshal " + describe(o) + " into main." + type);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!known.contains(k)) {
                throw new IllegalArgumentException("field " + k + " not found in type main." + type);
            }
            m.put(k, e.getValue());
        }
        return m;
    }

    private static List<?> list(Object o) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException("cannot unmarshal " + describe(o) + " into a list");
        }
        return l;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        for (Object s : list(o)) {
            out.add(string(s));
        }
        return out;
    }

    private static Map<String, String> stringMap(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null) {
            return out;
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("cannot unmarshal " + describe(o) + " into map[string]string");
        }
        m.forEach((k, v) -> out.put(String.valueOf(k), string(v)));
        return out;
    }

    private static String string(Object o) {
        if (o == null) {
            return "";
        }
        if (o instanceof Map || o instanceof List) {
            throw new IllegalArgumentException("cannot unmarshal " + describe(o) + " into string");
        }
        return String.valueOf(o);
    }

    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        String s = string(o).trim();
        switch (s) {
            case ".nan", ".NaN", ".NAN" -> {
                return Double.NaN;
            }
            case ".inf", "+.inf", ".Inf", "+.Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf", "-.Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
            }
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot unmarshal " + GoText.quote(s) + " into float64");
        }
    }

    private static long duration(Object o) {
        if (o == null) {
            return 0;
        }
        String s = string(o);
        try {
            return GoText.parseDuration(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid duration string: " + GoText.quote(s));
        }
    }

    private static String describe(Object o) {
        return o instanceof Map ? "!!map" : o instanceof List ? "!!seq" : GoText.quote(String.valueOf(o));
    }
}
