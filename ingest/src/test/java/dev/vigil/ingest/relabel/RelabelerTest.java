package dev.vigil.ingest.relabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each action with its edge cases. Expected values marked "Prometheus" were read from the real
 * Prometheus 2.42's {@code /api/v1/targets} for the same rules and labels.
 */
class RelabelerTest {
    private static Labels run(Labels in, RelabelConfig... rules) {
        return Relabeling.of(List.of(rules)).relabeler().process(in);
    }

    private static final Labels TARGET = Labels.of("__address__", "b.example:9100", "__meta_x", "foo-bar",
            "env", "Prod-ß", "job", "probe");

    @Test
    void replaceWithDefaultsCopiesTheSourceValue() {
        Labels out = run(TARGET, RelabelConfig.of("replace").withSourceLabels("env").withTargetLabel("copy"));
        assertEquals("Prod-ß", out.get("copy"));
        // Absent action means replace.
        assertEquals(out, run(TARGET, RelabelConfig.of(null).withSourceLabels("env").withTargetLabel("copy")));
    }

    @Test
    void replaceJoinsSourcesWithTheSeparatorAndMissingLabelsAreEmpty() {
        Labels out = run(TARGET, RelabelConfig.of("replace").withSourceLabels("job", "missing", "env").withSeparator("|")
                .withTargetLabel("j"));
        assertEquals("probe||Prod-ß", out.get("j"));
    }

    @Test
    void replaceOfAnEmptySourceSetsTheLiteralReplacementAndAnEmptyResultDeletes() {
        // Prometheus: an empty source with the default regex sets the replacement as it is.
        assertEquals("was-empty", run(TARGET, RelabelConfig.of("replace").withSourceLabels("nothing")
                .withTargetLabel("empty_src").withReplacement("was-empty")).get("empty_src"));
        // $1 of an empty value is empty: the target label goes away.
        Labels out = run(TARGET, RelabelConfig.of("replace").withSourceLabels("nothing").withTargetLabel("env"));
        assertTrue(!out.has("env"), out::toString);
    }

    @Test
    void replaceDoesNothingWithoutAMatchAndTheRegexIsFullyAnchored() {
        Labels in = Labels.of("a", "xfoox");
        assertSame(in, run(in, RelabelConfig.of("replace").withSourceLabels("a").withRegex("foo").withTargetLabel("b")
                .withReplacement("hit")));
        assertEquals("hit", run(in, RelabelConfig.of("replace").withSourceLabels("a").withRegex(".foo.").withTargetLabel("b")
                .withReplacement("hit")).get("b"));
        // A newline is not matched by '.', as in Go.
        Labels nl = Labels.of("a", "x\ny");
        assertSame(nl, run(nl, RelabelConfig.of("replace").withSourceLabels("a").withRegex("x.y").withTargetLabel("b")
                .withReplacement("hit")));
    }

    @Test
    void dollarExpansionFollowsGo() {
        String host = "([^.]+)\\.(.*)";
        // Prometheus: "$1x" is the group named "1x", which does not exist: the label is not set.
        Labels out = run(TARGET, RelabelConfig.of("replace").withSourceLabels("__address__").withRegex(host)
                .withTargetLabel("e_1x").withReplacement("$1x"));
        assertTrue(!out.has("e_1x"), out::toString);
        // Prometheus: "bx-example:9100-$-$-${x".
        assertEquals("bx-example:9100-$-$-${x", run(TARGET, RelabelConfig.of("replace").withSourceLabels("__address__")
                .withRegex(host).withTargetLabel("e_brace").withReplacement("${1}x-$2-$$-$-${x")).get("e_brace"));
        // Prometheus: named groups, a leading zero is a name, an out-of-range group is empty, $0 is the match.
        assertEquals("b/example:9100///b.example:9100", run(TARGET, RelabelConfig.of("replace")
                .withSourceLabels("__address__").withRegex("(?P<host>[^.]+)\\.(?P<dom>.*)").withTargetLabel("e_named")
                .withReplacement("$host/${dom}/$01/$3/$0")).get("e_named"));
    }

    @Test
    void targetLabelTemplatesAreExpandedAndAnInvalidResultIsSkipped() {
        RelabelConfig r = RelabelConfig.of("replace").withSourceLabels("__address__").withRegex("([^.]+)\\..*")
                .withTargetLabel("t_${1}").withReplacement("yes");
        assertEquals("yes", run(TARGET, r).get("t_b"));
        // Prometheus: "t_host-10" is not a label name, so nothing is set.
        Labels in = Labels.of("__address__", "host-10.example:80");
        assertSame(in, run(in, r));
        // Prometheus 2.42 then deletes the label named as written, and does the same for an empty result.
        Labels literal = Labels.of("__address__", "host-10.example:80", "t_${1}", "old", "t_x", "kept");
        assertEquals(Labels.of("__address__", "host-10.example:80", "t_x", "kept"), run(literal, r));
        assertEquals(Labels.of("__address__", "host-10.example:80", "t_x", "kept"), run(literal,
                r.withRegex("(x)?.*").withReplacement("$1")));
    }

    @Test
    void keepAndDrop() {
        RelabelConfig keep = RelabelConfig.of("keep").withSourceLabels("job").withRegex("pro.*");
        assertSame(TARGET, run(TARGET, keep));
        assertNull(run(TARGET, keep.withRegex("other")));
        assertNull(run(TARGET, RelabelConfig.of("drop").withSourceLabels("job").withRegex("probe|x")));
        assertSame(TARGET, run(TARGET, RelabelConfig.of("drop").withSourceLabels("job").withRegex("prob")));
        // An empty source value matches the regex "" (and the default (.*)).
        assertNull(run(TARGET, RelabelConfig.of("drop").withSourceLabels("missing").withRegex("")));
        assertNull(run(TARGET, RelabelConfig.of("drop").withSourceLabels("missing")));
    }

    @Test
    void keepEqualAndDropEqual() {
        Labels in = Labels.of("a", "1", "b", "1", "c", "2");
        assertSame(in, run(in, RelabelConfig.of("keepequal").withSourceLabels("a").withTargetLabel("b")));
        assertNull(run(in, RelabelConfig.of("keepequal").withSourceLabels("a").withTargetLabel("c")));
        assertNull(run(in, RelabelConfig.of("dropequal").withSourceLabels("a").withTargetLabel("b")));
        assertSame(in, run(in, RelabelConfig.of("dropequal").withSourceLabels("a").withTargetLabel("c")));
        // A missing label equals an empty value.
        assertNull(run(in, RelabelConfig.of("dropequal").withSourceLabels("x").withTargetLabel("y")));
    }

    @Test
    void hashmodMatchesPrometheus() {
        // Prometheus 2.42, same labels: address a/b/host-10/é with modulus 1000, 2^64-1 and 7 over address;env.
        String[][] cases = {{"a.example:9100", "812", "14847166574452810812", "0"},
                {"b.example:9100", "591", "15775693709321015591", "4"},
                {"host-10.example:80", "922", "14407860039685599922", "4"},
                {"é:1", "975", "2895388586378949975", "0"}};
        Relabeler r = Relabeling.of(List.of(
                RelabelConfig.of("hashmod").withSourceLabels("__address__").withModulus(1000).withTargetLabel("h1000"),
                RelabelConfig.of("hashmod").withSourceLabels("__address__").withModulus(Long.parseUnsignedLong("18446744073709551615"))
                        .withTargetLabel("hbig"),
                RelabelConfig.of("hashmod").withSourceLabels("__address__", "env").withModulus(7).withTargetLabel("h7")))
                .relabeler();
        for (String[] c : cases) {
            Labels out = r.process(Labels.of("__address__", c[0], "env", "Prod-ß"));
            assertEquals(c[1], out.get("h1000"), c[0]);
            assertEquals(c[2], out.get("hbig"), c[0]);
            assertEquals(c[3], out.get("h7"), c[0]);
        }
    }

    @Test
    void lowercaseAndUppercaseMapEachCharacterAsGo() {
        Labels out = run(TARGET, RelabelConfig.of("lowercase").withSourceLabels("env").withTargetLabel("lo"),
                RelabelConfig.of("uppercase").withSourceLabels("env").withTargetLabel("up"));
        assertEquals("prod-ß", out.get("lo"));
        // Prometheus: "PROD-ß", not "PROD-SS".
        assertEquals("PROD-ß", out.get("up"));
    }

    @Test
    void labelmapCopiesMatchingNamesAndReadsTheLabelsAsBeforeTheRule() {
        Labels out = run(TARGET, RelabelConfig.of("labelmap").withRegex("__meta_(.*)").withReplacement("m_$1"));
        assertEquals("foo-bar", out.get("m_x"));
        assertEquals("foo-bar", out.get("__meta_x"), "labelmap copies, it does not move");
        // A label written by the rule is not mapped again in the same rule.
        Labels chain = run(Labels.of("a", "1"), RelabelConfig.of("labelmap").withRegex("(.*)").withReplacement("${1}_x"));
        assertEquals(Labels.of("a", "1", "a_x", "1"), chain);
        // Default replacement $1.
        assertEquals("Prod-ß", run(TARGET, RelabelConfig.of("labelmap").withRegex("e(nv)")).get("nv"));
    }

    @Test
    void labeldropAndLabelkeepMatchWholeNames() {
        Labels in = Labels.of("__name__", "up", "a", "1", "ab", "2", "b", "3");
        assertEquals(Labels.of("__name__", "up", "ab", "2", "b", "3"), run(in, RelabelConfig.of("labeldrop").withRegex("a")));
        assertEquals(Labels.of("__name__", "up", "a", "1", "ab", "2"), run(in, RelabelConfig.of("labelkeep").withRegex("__name__|a.*")));
        assertSame(in, run(in, RelabelConfig.of("labeldrop").withRegex("zz")));
    }

    @Test
    void rulesSeeWhatEarlierRulesDid() {
        Labels out = run(TARGET, RelabelConfig.of("replace").withSourceLabels("job").withTargetLabel("__tmp_j"),
                RelabelConfig.of("uppercase").withSourceLabels("__tmp_j").withTargetLabel("J"),
                RelabelConfig.of("labeldrop").withRegex("__tmp.*"));
        assertEquals("PROBE", out.get("J"));
        assertTrue(!out.has("__tmp_j"));
    }

    @Test
    void anUnchangedLabelSetIsReturnedAsItIs() {
        Relabeler r = Relabeling.of(List.of(RelabelConfig.of("keep").withSourceLabels("__name__").withRegex("node_.*"),
                RelabelConfig.of("labeldrop").withRegex("unused"),
                RelabelConfig.of("replace").withSourceLabels("device").withRegex("(sd.*)").withTargetLabel("disk"))).relabeler();
        Labels in = Labels.of("__name__", "node_load1", "instance", "x");
        assertSame(in, r.process(in));
        assertSame(in, r.process(in));
        assertNull(r.process(Labels.of("__name__", "go_gc")));
        // Setting a label to the value it has is no change either.
        Labels same = Labels.of("__name__", "node_x", "device", "sda", "disk", "sda");
        assertSame(same, r.process(same));
    }

    @Test
    void validationRefusesWhatPrometheusRefuses() {
        assertRefused("relabel configuration for replace action requires 'target_label' value", RelabelConfig.of("replace"));
        assertRefused("relabel configuration for hashmod requires non-zero modulus",
                RelabelConfig.of("hashmod").withTargetLabel("x"));
        assertRefused("\"1x\" is invalid 'target_label' for replace action", RelabelConfig.of("replace").withTargetLabel("1x"));
        assertRefused("\"a-$1\" is invalid 'target_label' for replace action", RelabelConfig.of("replace").withTargetLabel("a-$1"));
        assertRefused("\"a-b\" is invalid 'target_label' for lowercase action",
                RelabelConfig.of("lowercase").withTargetLabel("a-b"));
        assertRefused("\"a$1\" is invalid 'target_label' for hashmod action",
                RelabelConfig.of("hashmod").withModulus(2).withTargetLabel("a$1"));
        // 2.42 lets lowercase write to a name with a reference, literally.
        assertEquals("x", run(Labels.of("a", "X"), RelabelConfig.of("lowercase").withSourceLabels("a")
                .withTargetLabel("b$1")).get("b$1"));
        assertRefused("'replacement' can not be set for uppercase action",
                RelabelConfig.of("uppercase").withTargetLabel("a").withReplacement("x"));
        assertRefused("\"a-$1\" is invalid 'replacement' for labelmap action",
                RelabelConfig.of("labelmap").withReplacement("a-$1"));
        assertRefused("keepequal action requires only 'source_labels' and `target_label`, and no other fields",
                RelabelConfig.of("keepequal").withTargetLabel("a").withRegex("(.*)"));
        assertRefused("labeldrop action requires only 'regex', and no other fields",
                RelabelConfig.of("labeldrop").withSourceLabels("a"));
        assertRefused("unknown relabel action \"Bogus\"", RelabelConfig.of("Bogus"));
        assertRefused("\"a-b\" is not a valid label name", RelabelConfig.of("keep").withSourceLabels("a-b"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Relabeling.of(List.of(RelabelConfig.of("keep").withRegex("(")))).getMessage().contains("missing closing )"));
        // Case does not matter for the action; the defaults of labeldrop written out are fine.
        Relabeling.of(List.of(RelabelConfig.of("LabelDrop").withRegex("x").withSeparator(";").withReplacement("$1")));
        InvalidRuleException e = assertThrows(InvalidRuleException.class, () -> Relabeling.of(List.of(
                RelabelConfig.of("keep"), RelabelConfig.of("replace"))));
        assertEquals(1, e.index());
    }

    @Test
    void literalShortcutsAgreeWithTheRegex() {
        assertEquals("node_filesystem_", Literals.prefix("node_filesystem_.*;tmpfs"));
        assertEquals("node_filesystem", Literals.prefix("node_filesystems?"));
        assertEquals("", Literals.prefix("a.*|b"));
        assertEquals("", Literals.prefix("(?i)abc"));
        assertEquals("", Literals.prefix("[a]bc"));
        assertEquals("ab", Literals.prefix("ab(c|d)"));
        String[][] cases = {{"id|uid", "uid"}, {"id|uid", "uidx"}, {"", ""}, {"a|", ""}, {"node_.*;(x|y)", "node_a;y"},
                {"node_.*;(x|y)", "nod"}, {"ab+", "abbb"}, {"ab+", "a"}, {"a-b c", "a-b c"}};
        for (String[] c : cases) {
            boolean expected = com.google.re2j.Pattern.compile("^(?:" + c[0] + ")$").matcher(c[1]).find();
            Labels in = Labels.of("v", c[1].isEmpty() ? "" : c[1], "w", "1");
            boolean kept = run(in, RelabelConfig.of("keep").withSourceLabels("v").withRegex(c[0])) != null;
            boolean keptJoined = run(in, RelabelConfig.of("keep").withSourceLabels("v", "w").withSeparator("")
                    .withRegex("(?:" + c[0] + ")1")) != null;
            assertEquals(expected, kept, c[0] + " on " + c[1]);
            assertEquals(expected, keptJoined, c[0] + " on " + c[1] + " joined");
        }
    }

    private static void assertRefused(String message, RelabelConfig c) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Relabeling.of(List.of(c))).getMessage());
    }
}
