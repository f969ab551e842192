package dev.vigil.query.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleFilesTest {
    private static String error(String yaml) {
        return assertThrows(RuleFileException.class, () -> RuleFiles.parse(yaml, "r.yml", 60_000)).getMessage();
    }

    @Test
    void readsGroupsWithDefaults() throws Exception {
        List<GroupSpec> gs = RuleFiles.parse("""
                groups:
                - name: a
                  interval: 15s
                  limit: 10
                  rules:
                  - record: job:x:sum
                    expr: sum by (job) (x)
                  - alert: High
                    expr: x > 1
                    for: 5m
                    keep_firing_for: 1m
                    labels: {severity: page}
                    annotations: {summary: "{{ $value | humanize }}"}
                - name: b
                  rules: []
                """, "r.yml", 60_000);
        assertEquals(2, gs.size());
        assertEquals(15_000, gs.get(0).intervalMs());
        assertEquals(10, gs.get(0).limit());
        assertEquals(60_000, gs.get(1).intervalMs());
        RuleSpec high = gs.get(0).rules().get(1);
        assertTrue(high.alert());
        assertEquals(300_000, high.forMs());
        assertEquals(60_000, high.keepFiringForMs());
    }

    /** Each message is what {@code promtool check rules} 2.42 prints for the same file. */
    @Test
    void errorsReadAsPromtoolPrintsThem() {
        assertEquals("r.yml: 5:11: group \"a\", rule 1, \"x\": could not parse expression: 1:5: parse error: unclosed left parenthesis",
                error("groups:\n- name: a\n  rules:\n  - record: x\n    expr: sum(\n"));
        assertEquals("r.yml: yaml: unmarshal errors:\n  line 4: field exp not found in type rulefmt.RuleNode",
                error("groups:\n- name: a\n  rules:\n  - exp: up\n"));
        assertEquals("r.yml: 4:13: 5:12: group \"a\", rule 1, \"y\": only one of 'record' and 'alert' must be set",
                error("groups:\n- name: a\n  rules:\n  - record: x\n    alert: y\n    expr: up\n"));
        assertEquals("r.yml: 4:13: group \"a\", rule 1, \"x\": invalid field 'for' in recording rule",
                error("groups:\n- name: a\n  rules:\n  - record: x\n    expr: up\n    for: 1m\n"));
        assertEquals("r.yml: 4:13: group \"a\", rule 1, \"bad name\": invalid recording rule name: bad name",
                error("groups:\n- name: a\n  rules:\n  - record: 'bad name'\n    expr: up\n"));
        assertEquals("r.yml: group \"a\", rule 1, \"A\": annotation \"s\": template: __alert_A:1: function \"nope\" not defined",
                error("groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    annotations: {s: '{{ nope }}'}\n"));
        assertEquals("r.yml: 4:3: groupname: \"a\" is repeated in the same file",
                error("groups:\n- name: a\n  rules: []\n- name: a\n  rules: []\n"));
        assertEquals("r.yml: group \"a\", rule 1, \"A\": invalid label name: bad-l",
                error("groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels: {\"bad-l\": x}\n"));
        assertEquals("r.yml: not a valid duration string: \"5x\"", error("groups:\n- name: a\n  interval: 5x\n  rules: []\n"));
        assertEquals("r.yml: 0:0: group \"a\", rule 1, \"\": one of 'record' or 'alert' must be set",
                error("groups:\n- name: a\n  rules:\n  - expr: up\n"));
        assertEquals("r.yml: 2:3: Groupname must not be empty", error("groups:\n- rules: []\n"));
        assertEquals("r.yml: 0:0: group \"a\", rule 1, \"x\": field 'expr' must be set in rule",
                error("groups:\n- name: a\n  rules:\n  - record: x\n"));
        assertEquals("r.yml: not a valid duration string: \"5\"", error("groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    for: 5\n"));
        assertTrue(error("groups: [\n").startsWith("r.yml: yaml: line "));
    }
}
