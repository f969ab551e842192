package dev.vigil.query.rules.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static String run(String text, double value) {
        Template.QueryFunction q = s -> List.of(new Template.Sample(Map.of("instance", "b", "__name__", "up"), 2),
                new Template.Sample(Map.of("instance", "a", "__name__", "up"), 1));
        return Template.parse("__alert_X", text).expand(new Template.Data(Map.of("job", "api", "instance", "h1:9100"), value,
                Map.of("cluster", "eu"), "http://vigil:9090", q));
    }

    @Test
    void labelsValueAndExternalLabels() {
        assertEquals("api on h1:9100 is 5 in eu", run("{{ $labels.job }} on {{$labels.instance}} is {{ $value }} in {{ $externalLabels.cluster }}", 5));
        assertEquals("[]", run("[{{ $labels.missing }}]", 0));
        assertEquals("1.234567e+06 1e-05", run("{{ $value }} {{ 0.00001 }}", 1234567));
        assertEquals("api", run("{{ .Labels.job }}", 0));
    }

    @Test
    void humanizeFamily() {
        assertEquals("1.235M", run("{{ humanize $value }}", 1234567));
        assertEquals("120m", run("{{ humanize $value }}", 0.12));
        assertEquals("1000k", run("{{ humanize $value }}", 999999));
        assertEquals("+Inf", run("{{ humanize $value }}", Double.POSITIVE_INFINITY));
        assertEquals("1Mi", run("{{ humanize1024 $value }}", 1048576));
        assertEquals("0.12", run("{{ humanize1024 $value }}", 0.12));
        assertEquals("0s", run("{{ humanizeDuration $value }}", 0));
        assertEquals("100ms", run("{{ humanizeDuration $value }}", 0.1));
        assertEquals("100us", run("{{ humanizeDuration $value }}", 0.0001));
        assertEquals("1.234s", run("{{ humanizeDuration $value }}", 1.2345));
        assertEquals("1m 0s", run("{{ humanizeDuration $value }}", 60.5));
        assertEquals("14d 6h 56m 7s", run("{{ humanizeDuration $value }}", 1234567));
        assertEquals("12.35%", run("{{ humanizePercentage $value }}", 0.1234567));
        assertEquals("2015-06-23 13:19:44.128 +0000 UTC", run("{{ humanizeTimestamp $value }}", 1435065584.128));
        assertEquals("1.235M", run("{{ $value | humanize }}", 1234567));
        assertEquals("1k", run("{{ humanize \"1000\" }}", 0));
    }

    @Test
    void printfAndStrings() {
        assertEquals("95.50% of 3", run("{{ printf \"%.2f%% of %d\" $value 3 }}", 95.5));
        assertEquals("1.235e+06|  7|x  |1e+06", run("{{ printf \"%.4g|%3d|%-3s|%.4g\" $value 7 \"x\" 999999.0 }}", 1234567));
        assertEquals("API", run("{{ $labels.job | toUpper }}", 0));
        assertEquals("Hello World", run("{{ title \"hello world\" }}", 0));
        assertEquals("h1", run("{{ reReplaceAll \"(.*):.*\" \"$1\" $labels.instance }}", 0));
        assertEquals("yes", run("{{ if match \"^h[0-9]+:\" $labels.instance }}yes{{ else }}no{{ end }}", 0));
        assertEquals("%!d(float64=1.5)", run("{{ printf \"%d\" $value }}", 1.5));
    }

    @Test
    void controlStructures() {
        assertEquals("big", run("{{ if gt $value 80.0 }}big{{ else if gt $value 10.0 }}mid{{ else }}small{{ end }}", 95));
        assertEquals("mid", run("{{ if gt $value 80.0 }}big{{ else if gt $value 10.0 }}mid{{ else }}small{{ end }}", 50));
        assertEquals("instance=h1:9100,job=api,", run("{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }}", 0));
        assertEquals("api", run("{{ with $labels.job }}{{ . }}{{ end }}", 0));
        assertEquals("x", run("{{- \"x\" -}}  \n ", 0));
        assertEquals("a", run("{{ $x := \"a\" }}{{ $x }}", 0));
        assertEquals("a1", run("{{ (args \"a\" 1).arg0 }}{{ (args \"a\" 1).arg1 }}", 0));
    }

    @Test
    void queryFunctions() {
        assertEquals("2 b", run("{{ with query \"up\" }}{{ . | first | value }} {{ . | first | label \"instance\" }}{{ end }}", 0));
        assertEquals("a:1 b:2 ", run("{{ range query \"up\" | sortByLabel \"instance\" }}{{ .Labels.instance }}:{{ .Value }} {{ end }}", 0));
    }

    @Test
    void errorsAreReported() {
        TemplateException parse = assertThrows(TemplateException.class, () -> Template.parse("__alert_X", "{{ humanise $value }}"));
        assertEquals("template: __alert_X:1: function \"humanise\" not defined", parse.getMessage());
        assertThrows(TemplateException.class, () -> Template.parse("__alert_X", "{{ if $value }}x"));
        // Go's type-strict comparison: an int constant against a float64.
        String out = Template.parse("__alert_X", "{{ if lt $value 80 }}x{{ end }}").expandOrError(
                new Template.Data(Map.of(), 5, Map.of(), "", null));
        assertTrue(out.startsWith("<error expanding template: error executing template __alert_X: "), out);
        assertTrue(out.contains("incompatible types for comparison"), out);
        String first = Template.parse("__alert_X", "{{ query \"x\" | first | value }}").expandOrError(
                new Template.Data(Map.of(), 5, Map.of(), "", q -> List.of()));
        assertTrue(first.contains("first() called on vector with no elements"), first);
    }
}
