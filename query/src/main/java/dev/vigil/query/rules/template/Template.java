package dev.vigil.query.rules.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed label or annotation template: the Go text/template subset Prometheus rule files use,
 * with Prometheus's functions and {@code $labels}, {@code $value}, {@code $externalLabels},
 * {@code $externalURL}. Immutable and thread-safe once parsed.
 */
public final class Template {
    /** What a rule's template sees when it is expanded for one alert. */
    public record Data(Map<String, String> labels, double value, Map<String, String> externalLabels, String externalURL,
            QueryFunction query) {
    }

    /** Runs a PromQL instant query at the evaluation time for {@code query}; the samples as label maps and values. */
    @FunctionalInterface
    public interface QueryFunction {
        List<Sample> query(String q);
    }

    /** One element of a {@code query} result. */
    public record Sample(Map<String, String> labels, double value) {
    }

    /** Length of Prometheus's {@code {{$labels := .Labels}}…{{$value := .Value}}} prefix. */
    private static final int DEFS_LENGTH = ("{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
            + "{{$externalURL := .ExternalURL}}{{$value := .Value}}").length();

    private final String name;
    private final List<Node> nodes;
    /** The text when the template has no actions (most label values): expanded without any work. */
    private final String constant;

    private Template(String name, List<Node> nodes) {
        this.name = name;
        this.nodes = nodes;
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            if (!(n instanceof Node.Text t)) {
                sb = null;
                break;
            }
            sb.append(t.text());
        }
        this.constant = sb == null ? null : sb.toString();
    }

    /**
     * @param name what errors call it ({@code __alert_HighLoad})
     * @throws TemplateException with Go's message when the text does not parse
     */
    public static Template parse(String name, String text) {
        return new Template(name, Parser.parse(name, text, Functions.NAMES));
    }

    /** @throws TemplateException when the template fails while running */
    public String expand(Data data) {
        if (constant != null) {
            return constant;
        }
        Exec e = new Exec(data);
        StringBuilder out = new StringBuilder();
        e.vars.put("$", dot(data));
        e.vars.put("$labels", new TreeMap<>(data.labels()));
        e.vars.put("$externalLabels", new TreeMap<>(data.externalLabels()));
        e.vars.put("$externalURL", data.externalURL());
        e.vars.put("$value", data.value());
        e.run(nodes, e.vars.get("$"), out);
        return out.toString();
    }

    private static Map<String, Object> dot(Data d) {
        Map<String, Object> m = new HashMap<>();
        m.put("Labels", new TreeMap<>(d.labels()));
        m.put("ExternalLabels", new TreeMap<>(d.externalLabels()));
        m.put("ExternalURL", d.externalURL());
        m.put("Value", d.value());
        return m;
    }

    /** One expansion's state: variables in scope and the output. */
    private final class Exec implements Functions.Env {
        private final Data data;
        private final Map<String, Object> vars = new HashMap<>();

        Exec(Data data) {
            this.data = data;
        }

        @Override
        public List<Values.QuerySample> query(String q) {
            if (data.query() == null) {
                throw new TemplateException("error calling query: no query engine");
            }
            List<Values.QuerySample> out = new ArrayList<>();
            for (Sample s : data.query().query(q)) {
                out.add(new Values.QuerySample(new TreeMap<>(s.labels()), s.value()));
            }
            return out;
        }

        @Override
        public String externalURL() {
            return data.externalURL();
        }

        void run(List<Node> list, Object dot, StringBuilder out) {
            for (Node n : list) {
                if (n instanceof Node.Text t) {
                    out.append(t.text());
                } else if (n instanceof Node.Action a) {
                    Object v = pipeline(a.pipe(), dot);
                    if (a.pipe().vars().isEmpty()) {
                        out.append(v == null ? "<no value>" : GoFormat.print(v));
                    }
                } else if (n instanceof Node.Branch b) {
                    branch(b, dot, out);
                }
            }
        }

        private void branch(Node.Branch b, Object dot, StringBuilder out) {
            Map<String, Object> saved = new HashMap<>(vars);
            try {
                switch (b.kind()) {
                    case "if" -> run(Values.truth(pipeline(b.pipe(), dot)) ? b.body() : b.otherwise(), dot, out);
                    case "with" -> {
                        Object v = pipeline(b.pipe(), dot);
                        if (Values.truth(v)) {
                            run(b.body(), v, out);
                        } else {
                            run(b.otherwise(), dot, out);
                        }
                    }
                    default -> range(b, dot, out);
                }
            } finally {
                // Variables declared inside a control structure go out of scope at its end.
                vars.keySet().retainAll(saved.keySet());
                for (String k : saved.keySet()) {
                    if (!vars.containsKey(k)) {
                        vars.put(k, saved.get(k));
                    }
                }
            }
        }

        private void range(Node.Branch b, Object dot, StringBuilder out) {
            List<String> names = b.pipe().vars();
            Node.Pipeline bare = new Node.Pipeline(b.pipe().column(), List.of(), false, b.pipe().commands());
            Object v = pipeline(bare, dot);
            List<Object[]> items = new ArrayList<>();
            if (v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                    items.add(new Object[] {e.getKey(), e.getValue()});
                }
            } else if (v instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    items.add(new Object[] {(long) i, l.get(i)});
                }
            } else if (v instanceof Long n) {
                for (long i = 0; i < n; i++) {
                    items.add(new Object[] {i, i});
                }
            } else if (v != null) {
                throw new TemplateException("range can't iterate over " + GoFormat.print(v));
            }
            if (items.isEmpty()) {
                run(b.otherwise(), dot, out);
                return;
            }
            for (Object[] kv : items) {
                if (names.size() == 1) {
                    vars.put(names.get(0), kv[1]);
                } else if (names.size() == 2) {
                    vars.put(names.get(0), kv[0]);
                    vars.put(names.get(1), kv[1]);
                }
                run(b.body(), kv[1], out);
            }
        }

        private Object pipeline(Node.Pipeline p, Object dot) {
            Object v = null;
            boolean first = true;
            for (Node.Command c : p.commands()) {
                v = command(c, dot, first ? null : new Object[] {v});
                first = false;
            }
            for (String name : p.vars()) {
                if (!p.declare() && !vars.containsKey(name)) {
                    throw error(p, "undefined variable: " + name);
                }
                vars.put(name, v);
            }
            return v;
        }

        private Object command(Node.Command c, Object dot, Object[] piped) {
            Node.Arg head = c.args().get(0);
            if (head instanceof Node.Function f) {
                List<Object> args = new ArrayList<>();
                for (Node.Arg a : c.args().subList(1, c.args().size())) {
                    args.add(arg(a, dot));
                }
                if (piped != null) {
                    args.add(piped[0]);
                }
                try {
                    return Functions.call(f.name(), args, this);
                } catch (TemplateException e) {
                    if (e.located()) {
                        throw e;
                    }
                    String m = e.getMessage();
                    throw located(c, m.startsWith("error calling") || m.startsWith("wrong") ? m : "error calling " + f.name() + ": " + m);
                }
            }
            if (c.args().size() > 1 || piped != null) {
                throw new TemplateException("can't give argument to non-function " + describe(head));
            }
            return arg(head, dot);
        }

        private Object arg(Node.Arg a, Object dot) {
            if (a instanceof Node.Literal l) {
                return l.value();
            }
            if (a instanceof Node.Field f) {
                return fields(dot, f.path());
            }
            if (a instanceof Node.Variable v) {
                if (!vars.containsKey(v.name())) {
                    throw new TemplateException("undefined variable: " + v.name());
                }
                return fields(vars.get(v.name()), v.path());
            }
            if (a instanceof Node.Sub s) {
                return fields(pipeline(s.pipe(), dot), s.path());
            }
            Node.Function f = (Node.Function) a;
            return Functions.call(f.name(), List.of(), this);
        }

        private Object fields(Object v, List<String> path) {
            for (String f : path) {
                if (v instanceof Map<?, ?> m) {
                    if (m.containsKey(f)) {
                        v = m.get(f);
                    } else if (m.values().stream().allMatch(x -> x instanceof String)) {
                        v = ""; // missingkey=zero on map[string]string
                    } else {
                        throw new TemplateException("can't evaluate field " + f + " in type template.tmplData");
                    }
                } else if (v instanceof Values.QuerySample s && f.equals("Labels")) {
                    v = s.labels();
                } else if (v instanceof Values.QuerySample s && f.equals("Value")) {
                    v = s.value();
                } else if (v == null) {
                    throw new TemplateException("nil pointer evaluating interface {}." + f);
                } else {
                    throw new TemplateException("can't evaluate field " + f + " in type " + GoFormat.typeName(v));
                }
            }
            return v;
        }

        /**
         * Go's message with Prometheus's framing: the position counts the variable definitions
         * Prometheus puts before every rule template on its first line.
         */
        private TemplateException located(Node.Command c, String what) {
            int col = c.line() == 1 ? DEFS_LENGTH + c.column() : c.column();
            String ctx = c.text();
            return new TemplateException("template: " + name + ":" + c.line() + ":" + col + ": executing \"" + name + "\" at <"
                    + ctx + ">: " + what, true);
        }

        private String describe(Node.Arg a) {
            if (a instanceof Node.Variable v) {
                return v.name();
            }
            if (a instanceof Node.Field f) {
                return "." + String.join(".", f.path());
            }
            return "operand";
        }

        private TemplateException error(Node.Pipeline p, String what) {
            return new TemplateException("template: " + name + ":1:" + p.column() + ": " + what);
        }
    }

    /** Expands with Prometheus's wrapping: the error text that a failed expansion shows instead. */
    public String expandOrError(Data data) {
        try {
            return expand(data);
        } catch (TemplateException e) {
            return "<error expanding template: error executing template " + name + ": " + e.getMessage() + ">";
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
