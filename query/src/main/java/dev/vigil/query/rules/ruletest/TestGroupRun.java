package dev.vigil.query.rules.ruletest;

import dev.vigil.query.Engine;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.QueryResult;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.query.parser.Parser;
import dev.vigil.query.rules.Alert;
import dev.vigil.query.rules.AlertState;
import dev.vigil.query.rules.AlertingRule;
import dev.vigil.query.rules.GroupSpec;
import dev.vigil.query.rules.Rule;
import dev.vigil.query.rules.RuleGroup;
import dev.vigil.query.rules.RuleOptions;
import dev.vigil.query.text.GoText;
import dev.vigil.query.value.Sample;
import dev.vigil.query.value.Scalar;
import dev.vigil.query.value.Vector;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One test group of a unit-test file, run as promtool 2.42 runs it: input samples at
 * {@code i * interval} from the Unix epoch, every group evaluated at {@code 0, e, 2e, ...} up to
 * the largest eval time, alerts compared at the last evaluation at or before each
 * {@code eval_time}, expressions queried at the end. Returns promtool's error texts.
 */
final class TestGroupRun {
    private final UnitTestFile.TestGroup tg;
    private final List<GroupSpec> specs;
    private final long evalIntervalMs;

    TestGroupRun(UnitTestFile.TestGroup tg, List<GroupSpec> orderedSpecs, long evalIntervalMs) {
        this.tg = tg;
        this.specs = orderedSpecs;
        this.evalIntervalMs = evalIntervalMs;
    }

    /** A sample to load, in time order. */
    private record Input(Labels labels, long t, double v) {
    }

    List<String> run() throws IOException {
        List<Input> inputs = new ArrayList<>();
        for (UnitTestFile.InputSeries s : tg.inputSeries()) {
            Labels l = parseSeries(s.series());
            List<Double> vs = SeriesValues.expand(s.values());
            for (int i = 0; i < vs.size(); i++) {
                if (vs.get(i) != null) {
                    inputs.add(new Input(l, i * tg.intervalMs(), vs.get(i)));
                }
            }
        }
        inputs.sort(Comparator.comparingLong(Input::t));
        Path dir = Files.createTempDirectory("vigil-ruletest");
        // A scratch store: nothing in it outlives the run, so nothing is synced to disk.
        AtomicLong clock = new AtomicLong();
        try (Db db = Db.open(DbOptions.builder(dir).clock(clock::get).retentionMs(Long.MAX_VALUE / 4)
                .seriesRegistry(false).headSnapshot(false).io(FileIo.WITHOUT_FSYNC).build())) {
            PromEngine engine = new PromEngine(db, EngineOptions.DEFAULT);
            return evaluate(db, engine, inputs, clock);
        } finally {
            try (Stream<Path> w = Files.walk(dir)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private List<String> evaluate(Db db, Engine engine, List<Input> inputs, AtomicLong clock) throws IOException {
        RuleOptions opts = RuleOptions.DEFAULT.withExternalLabels(tg.externalLabels());
        opts = new RuleOptions(opts.externalLabels(), tg.externalURL(), opts.outageToleranceMs(), opts.gracePeriodMs(),
                opts.resendDelayMs());
        List<RuleGroup> groups = new ArrayList<>();
        for (GroupSpec s : specs) {
            groups.add(RuleGroup.standalone(s, engine, db, opts));
        }
        long maxt = 0;
        TreeSet<Long> alertTimes = new TreeSet<>();
        Map<Long, List<UnitTestFile.AlertTest>> alertTests = new TreeMap<>();
        for (UnitTestFile.AlertTest a : tg.alertTests()) {
            maxt = Math.max(maxt, a.evalTimeMs());
            alertTimes.add(a.evalTimeMs());
            alertTests.computeIfAbsent(a.evalTimeMs(), k -> new ArrayList<>()).add(a);
        }
        for (UnitTestFile.ExprTest e : tg.exprTests()) {
            maxt = Math.max(maxt, e.evalTimeMs());
        }
        List<String> errs = new ArrayList<>();
        List<Long> times = new ArrayList<>(alertTimes);
        int curr = 0;
        int loaded = 0;
        for (long ts = 0; ts <= maxt; ts += evalIntervalMs) {
            clock.set(ts);
            loaded = load(db, inputs, loaded, ts);
            List<String> evalErrs = new ArrayList<>();
            for (RuleGroup g : groups) {
                g.evaluate(ts);
                for (Rule r : g.rules()) {
                    if (r.health() == Rule.Health.ERR) {
                        evalErrs.add("    rule: " + r.name() + ", time: " + GoFormats.goDuration(ts) + ", err: " + r.lastError());
                    }
                }
            }
            errs.addAll(evalErrs);
            if (!evalErrs.isEmpty()) {
                return errs;
            }
            while (curr < times.size() && ts <= times.get(curr) && times.get(curr) < ts + evalIntervalMs) {
                long t = times.get(curr);
                for (UnitTestFile.AlertTest test : alertTests.get(t)) {
                    compareAlerts(test, firing(groups, test.alertname()), errs);
                }
                curr++;
            }
            if (evalIntervalMs <= 0) {
                break;
            }
        }
        for (UnitTestFile.ExprTest e : tg.exprTests()) {
            compareExpr(engine, e, errs);
        }
        return errs;
    }

    private static int load(Db db, List<Input> inputs, int from, long until) throws IOException {
        Appender app = db.appender();
        int i = from;
        for (; i < inputs.size() && inputs.get(i).t() <= until; i++) {
            Input in = inputs.get(i);
            try {
                app.append(0, in.labels(), in.t(), in.v());
            } catch (AppendRejectedException e) {
                throw new IllegalStateException("loading " + in.labels() + " at " + in.t() + ": " + e.getMessage(), e);
            }
        }
        app.commit();
        return i;
    }

    /** The firing alerts of every alerting rule of that name, in any group. */
    private static List<Entry> firing(List<RuleGroup> groups, String alertname) {
        List<Entry> got = new ArrayList<>();
        for (RuleGroup g : groups) {
            for (Rule r : g.rules()) {
                if (r instanceof AlertingRule ar && ar.name().equals(alertname)) {
                    for (Alert a : ar.alerts()) {
                        if (a.state() == AlertState.FIRING) {
                            got.add(new Entry(map(a.labels()), map(a.annotations())));
                        }
                    }
                }
            }
        }
        return got;
    }

    /** An alert as compared: labels and annotations. */
    private record Entry(Map<String, String> labels, Map<String, String> annotations) {
        String text() {
            return "Labels:" + GoFormats.labels(labels) + "\nAnnotations:" + GoFormats.labels(annotations);
        }
    }

    private void compareAlerts(UnitTestFile.AlertTest test, List<Entry> got, List<String> errs) {
        List<Entry> exp = new ArrayList<>();
        for (UnitTestFile.ExpAlert a : test.expAlerts()) {
            Map<String, String> l = new TreeMap<>(a.labels());
            l.put("alertname", test.alertname());
            exp.add(new Entry(l, new TreeMap<>(a.annotations())));
        }
        Comparator<Entry> byLabels = Comparator.comparing(e -> Labels.of(e.labels()));
        got.sort(byLabels);
        exp.sort(byLabels);
        if (!exp.equals(got)) {
            String name = tg.name().isEmpty() ? "" : "    name: " + tg.name() + ",\n";
            errs.add(name + "    alertname: " + test.alertname() + ", time: " + GoFormats.modelDuration(test.evalTimeMs())
                    + ", \n        exp:" + indent(list(exp), "            ") + ", \n        got:" + indent(list(got), "            "));
        }
    }

    private static String list(List<Entry> es) {
        if (es.isEmpty()) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[\n0:").append(indent("\n" + es.get(0).text(), "  "));
        for (int i = 1; i < es.size(); i++) {
            sb.append(",\n").append(i).append(':').append(indent("\n" + es.get(i).text(), "  "));
        }
        return sb.append("\n]").toString();
    }

    private static String indent(String s, String indent) {
        return s.replace("\n", "\n" + indent);
    }

    /** A sample as compared: labels and value, equal only when the values are == (NaN never). */
    private record Point(Labels labels, double value) {
        boolean same(Point o) {
            return labels.equals(o.labels) && value == o.value;
        }

        String text() {
            return GoFormats.labels(map(labels)) + " " + GoFormats.floatE(value);
        }
    }

    private void compareExpr(Engine engine, UnitTestFile.ExprTest e, List<String> errs) {
        String head = "    expr: " + GoText.quote(e.expr()) + ", time: " + GoFormats.modelDuration(e.evalTimeMs());
        List<Point> got = new ArrayList<>();
        try {
            QueryResult r = engine.instant(e.expr(), e.evalTimeMs(), QueryOptions.DEFAULT);
            if (r.value() instanceof Vector v) {
                for (Sample s : v.samples()) {
                    got.add(new Point(s.metric(), s.v()));
                }
            } else if (r.value() instanceof Scalar s) {
                got.add(new Point(Labels.EMPTY, s.v()));
            } else {
                errs.add(head + ", err: rule result is not a vector or scalar");
                return;
            }
        } catch (RuntimeException ex) {
            errs.add(head + ", err: " + ex.getMessage());
            return;
        }
        List<Point> exp = new ArrayList<>();
        for (UnitTestFile.ExpSample s : e.expSamples()) {
            Labels l;
            try {
                l = parseSeries(s.labels());
            } catch (RuntimeException ex) {
                errs.add(head + ", err: labels " + GoText.quote(s.labels()) + ": " + ex.getMessage());
                return;
            }
            exp.add(new Point(l, s.value()));
        }
        exp.sort(Comparator.comparing(Point::labels));
        got.sort(Comparator.comparing(Point::labels));
        boolean equal = exp.size() == got.size();
        for (int i = 0; equal && i < exp.size(); i++) {
            equal = exp.get(i).same(got.get(i));
        }
        if (!equal) {
            errs.add(head + ",\n        exp: " + points(exp) + "\n        got: " + points(got));
        }
    }

    private static String points(List<Point> ps) {
        if (ps.isEmpty()) {
            return "nil";
        }
        StringBuilder sb = new StringBuilder(ps.get(0).text());
        for (int i = 1; i < ps.size(); i++) {
            sb.append(", ").append(ps.get(i).text());
        }
        return sb.toString();
    }

    /** Series notation {@code name{a="1"}} or {@code {__name__="name", a="1"}} to labels. */
    static Labels parseSeries(String text) {
        if (text.isBlank() || text.strip().equals("{}")) {
            return Labels.EMPTY;
        }
        Expr e = Parser.parse(text);
        if (!(e instanceof VectorSelector vs) || vs.offsetMs() != 0 || vs.at() != null) {
            throw new IllegalArgumentException("not a series: " + text);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Matcher mt : vs.matchers()) {
            if (mt.type() != Matcher.Type.EQ) {
                throw new IllegalArgumentException("only = is allowed in a series: " + text);
            }
            if (!mt.value().isEmpty()) {
                m.put(mt.name(), mt.value());
            }
        }
        if (vs.name() != null && !vs.name().isEmpty()) {
            m.put(Labels.METRIC_NAME, vs.name());
        }
        return Labels.of(m);
    }

    private static Map<String, String> map(Labels l) {
        Map<String, String> m = new TreeMap<>();
        l.forEach(m::put);
        return m;
    }
}
