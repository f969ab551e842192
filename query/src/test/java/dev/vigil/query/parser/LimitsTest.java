package dev.vigil.query.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vigil.query.ParseException;
import dev.vigil.query.ast.BinaryExpr;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.Printer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Hostile inputs fail cleanly with a ParseException instead of exhausting the stack or the CPU.
 * The timeouts are generous guards against runaway behaviour, not measurements.
 */
class LimitsTest {
    private static final Duration GUARD = Duration.ofSeconds(10);

    private static String fails(String q) {
        return assertTimeoutPreemptively(GUARD, () -> assertThrows(ParseException.class, () -> Parser.parse(q))).getMessage();
    }

    @Test
    void hundredThousandNestedParenthesesAreRejected() {
        assertEquals("1:1: parse error: query too complex: more than 20000 tokens",
                fails("(".repeat(100_000) + "1" + ")".repeat(100_000)));
        assertEquals("1:1: parse error: query too complex: more than 20000 tokens", fails("(".repeat(100_000)));
    }

    @Test
    void parenthesesBeyondTheLimitAreRejectedWhereTheyGoTooDeep() {
        int d = Parser.MAX_PAREN_DEPTH;
        assertEquals("1:" + (d + 1) + ": parse error: parentheses nested too deeply: more than " + d,
                fails("(".repeat(d + 1) + "1" + ")".repeat(d + 1)));
        assertEquals("1:" + (4 * d + 4) + ": parse error: parentheses nested too deeply: more than " + d,
                fails("sum(".repeat(d + 1) + "a" + ")".repeat(d + 1)));
    }

    @Test
    void parenthesesUpToTheLimitParse() {
        int d = Parser.MAX_PAREN_DEPTH;
        Expr e = Parser.parse("(".repeat(d) + "1" + ")".repeat(d));
        assertEquals("(".repeat(d) + "1" + ")".repeat(d), Printer.print(e));
    }

    @Test
    void deepChainsAreRejected() {
        String tooDeep = "1:1: parse error: expression nested too deeply: more than " + Parser.MAX_DEPTH + " levels";
        assertEquals(tooDeep, fails("-".repeat(9_000) + "foo"));
        assertEquals(tooDeep, fails("a" + " ^ a".repeat(4_000)));
        assertEquals(tooDeep, fails("a" + " + a".repeat(4_000)));
        assertEquals(tooDeep, fails("a" + "[1m:]".repeat(4_000)));
    }

    @Test
    void chainsWithinTheLimitParse() {
        Expr e = Parser.parse("a" + " or a".repeat(Parser.MAX_DEPTH - 1));
        assertEquals("or", ((BinaryExpr) e).op());
        assertEquals("a" + " or a".repeat(Parser.MAX_DEPTH - 1), Printer.print(e));
    }

    @Test
    void theReferenceSuitesDeepCaseFailsCleanly() {
        assertEquals("1:1: parse error: query too complex: more than 20000 tokens",
                fails("(" + "-{}-1".repeat(10_000) + ")" + "[1m:]".repeat(1000)));
        assertEquals("1:1: parse error: expression nested too deeply: more than 1000 levels",
                fails("(" + "-{}-1".repeat(1_000) + ")" + "[1m:]".repeat(100)));
    }

    @Test
    void longInputIsRejectedQuickly() {
        String q = "x{a=\"" + "b".repeat(Parser.MAX_LENGTH) + "\"}";
        assertEquals("1:1: parse error: query too long: " + q.length() + " characters, at most " + Parser.MAX_LENGTH,
                fails(q));
    }

    @Test
    void longStringsParseAndLongRegexesAreRefused() {
        String big = "a".repeat(500_000);
        assertTimeoutPreemptively(GUARD, () -> Parser.parse("\"" + big + "\""));
        assertTimeoutPreemptively(GUARD, () -> Parser.parse("x{a=\"" + big + "\"}"));
        assertEquals("1:3: parse error: regular expression too long: 500000 characters, at most "
                + Parser.MAX_REGEX_LENGTH, fails("x{a=~\"" + big + "\"}"));
        assertTimeoutPreemptively(GUARD, () -> Parser.parse(
                "x{a=~\"" + "(".repeat(1000) + "a" + ")".repeat(1000) + "\"}"));
    }

    @Test
    void prettyPrintingADeepTreeWithALongLeafStaysLinear() {
        String leaf = "x{a=\"" + "v".repeat(200_000) + "\"}";
        Expr e = Parser.parse(leaf + " or a".repeat(Parser.MAX_DEPTH - 1));
        String pretty = assertTimeoutPreemptively(GUARD, () -> Printer.pretty(e));
        int ops = Parser.MAX_DEPTH - 1;
        String[] lines = pretty.split("\n");
        assertEquals(1 + 2 * ops, lines.length);
        assertEquals("  ".repeat(ops) + leaf, lines[0]);
        assertEquals("or", lines[lines.length - 2]);
        assertEquals("  a", lines[lines.length - 1]);
    }
}
