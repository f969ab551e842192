package dev.vigil.query.rules.template;

import dev.vigil.tsdb.testing.References;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil's expansion of real-world annotation templates, over values that exercise Go's number
 * formatting, must be what Prometheus 2.42 expands: the expansions become the expected
 * annotations of a {@code promtool test rules} file, and the real promtool must pass it.
 */
class TemplateAgainstPromtoolTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final double[] VALUES = {1234567, 0.12, 999999, 1.2345, 60.5, 0.0001, -3.5, 1435065584.128, 0, 1e21, 5e-7,
        2.5, 1048576, 86400 * 3 + 7};
    private static final Map<String, String> ANNOTATIONS = new LinkedHashMap<>();

    static {
        ANNOTATIONS.put("v", "{{ $value }}");
        ANNOTATIONS.put("h", "{{ humanize $value }} {{ humanize1024 $value }} {{ $value | humanizePercentage }}");
        ANNOTATIONS.put("d", "{{ humanizeDuration $value }} {{ humanizeTimestamp $value }}");
        ANNOTATIONS.put("f", "{{ printf \"%.2f|%e|%g|%.3g|%8.1f|%v|%s\" $value $value $value $value $value $value $labels.i }}");
        ANNOTATIONS.put("l", "{{ $labels.i | title }} {{ toUpper \"ab\" }} {{ reReplaceAll \"(.)\" \"<$1>\" $labels.i }} [{{ $labels.nope }}]");
        ANNOTATIONS.put("q", "{{ range query \"x\" | sortByLabel \"i\" }}{{ .Labels.i }}={{ .Value | humanize }};{{ end }}");
        ANNOTATIONS.put("c", "{{ if gt $value 100.0 }}big{{ else if lt $value 0.0 }}neg{{ else }}small{{ end }} {{ match \"^1\" $labels.i }}");
        ANNOTATIONS.put("w", "{{ with query \"x{i='2'}\" }}{{ . | first | value }} {{ . | first | label \"i\" }}{{ end }} {{ $externalLabels.dc }}");
        ANNOTATIONS.put("r", "{{ range $k, $v := $labels }}{{ $k }}:{{ $v }},{{ end }} {{ len $labels }} {{ index $labels \"i\" }}");
        ANNOTATIONS.put("e", "{{ lt $value 80 }}");
    }

    @TempDir
    Path dir;

    @Test
    void promtoolAgreesWithVigilsExpansions() throws Exception {
        References.require("promtool");
        List<Template.Sample> all = new ArrayList<>();
        for (int i = 0; i < VALUES.length; i++) {
            all.add(new Template.Sample(Map.of("__name__", "x", "i", Integer.toString(i)), VALUES[i]));
        }
        List<Object> inputs = new ArrayList<>();
        List<Object> expAlerts = new ArrayList<>();
        for (int i = 0; i < VALUES.length; i++) {
            inputs.add(Map.of("series", "x{i=\"" + i + "\"}", "values", Double.toString(VALUES[i])));
            Map<String, String> exp = new TreeMap<>();
            Map<String, String> labels = new TreeMap<>(Map.of("__name__", "x", "i", Integer.toString(i)));
            for (Map.Entry<String, String> a : ANNOTATIONS.entrySet()) {
                Template t = Template.parse("__alert_T", a.getValue());
                String s = t.expandOrError(new Template.Data(labels, VALUES[i], Map.of("dc", "eu"), "http://vigil", q -> {
                    if (q.equals("x")) {
                        return all;
                    }
                    return all.subList(2, 3);
                }));
                // Go names its error position; Vigil's text after it must agree.
                exp.put(a.getKey(), s);
            }
            expAlerts.add(Map.of("exp_labels", Map.of("i", Integer.toString(i)), "exp_annotations", exp));
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> rules = Map.of("groups", List.of(Map.of("name", "g", "rules", List.of(
                Map.of("alert", "T", "expr", "x", "annotations", ANNOTATIONS)))));
        Files.writeString(dir.resolve("rules.yml"), json.writeValueAsString(rules));
        Map<String, Object> test = Map.of("rule_files", List.of("rules.yml"), "evaluation_interval", "1m",
                "tests", List.of(Map.of("interval", "1m", "external_labels", Map.of("dc", "eu"), "input_series", inputs,
                        "alert_rule_test", List.of(Map.of("eval_time", "0m", "alertname", "T", "exp_alerts", expAlerts)))));
        Files.writeString(dir.resolve("test.yml"), json.writeValueAsString(test));
        Process p = new ProcessBuilder(PROMTOOL.toString(), "test", "rules", "test.yml").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
    }
}
