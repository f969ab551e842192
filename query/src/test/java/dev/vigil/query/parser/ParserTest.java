package dev.vigil.query.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.query.ParseException;
import dev.vigil.query.QueryException;
import dev.vigil.query.ast.AggregateExpr;
import dev.vigil.query.ast.At;
import dev.vigil.query.ast.BinaryExpr;
import dev.vigil.query.ast.Call;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.MatrixSelector;
import dev.vigil.query.ast.NumberLiteral;
import dev.vigil.query.ast.ParenExpr;
import dev.vigil.query.ast.StringLiteral;
import dev.vigil.query.ast.SubqueryExpr;
import dev.vigil.query.ast.UnaryExpr;
import dev.vigil.query.ast.ValueType;
import dev.vigil.query.ast.VectorMatching;
import dev.vigil.query.ast.VectorMatching.Cardinality;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.tsdb.Matcher;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tree the evaluator receives: what each construct becomes, beyond how it prints. */
class ParserTest {
    private static final long MIN = 60_000;

    private static VectorSelector sel(String name, Matcher... ms) {
        List<Matcher> all = new java.util.ArrayList<>(List.of(ms));
        if (name != null) {
            all.add(Matcher.eq("__name__", name));
        }
        return new VectorSelector(name, all, 0, null);
    }

    @Test
    void selectorCarriesTheNameAsItsLastMatcher() {
        assertEquals(sel("foo", Matcher.of(Matcher.Type.RE, "a", "b.*"), Matcher.of(Matcher.Type.NEQ, "c", "d")),
                Parser.parse("foo{a=~\"b.*\", c!=\"d\",}"));
        assertEquals(sel(null, Matcher.eq("__name__", "x")), Parser.parse("{__name__=\"x\"}"));
        assertEquals(sel("a:b:c"), Parser.parse("a:b:c"));
        assertEquals(sel("sum", Matcher.eq("on", "x"), Matcher.eq("by", "y")), Parser.parse("sum{on=\"x\", by='y'}"));
    }

    @Test
    void keywordsStillNameMetricsWhereTheyCan() {
        for (String kw : List.of("sum", "by", "offset", "start", "end", "without", "and", "topk", "MAX")) {
            assertEquals(sel(kw), Parser.parse(kw), kw);
        }
    }

    @Test
    void rangeOffsetAndAtLiveOnTheSelector() {
        VectorSelector inner = new VectorSelector("x", List.of(Matcher.eq("__name__", "x")), -5 * MIN, At.timestamp(100_500));
        assertEquals(new MatrixSelector(inner, 90 * MIN), Parser.parse("x[1h30m] offset -5m @ 100.5"));
        assertEquals(new MatrixSelector(inner, 90 * MIN), Parser.parse("x[1h30m] @ 100.5 offset -5m"));
        VectorSelector end = (VectorSelector) Parser.parse("x @ end() offset 1w");
        assertEquals(At.END, end.at());
        assertEquals(7 * 24 * 60 * MIN, end.offsetMs());
        assertEquals(At.START, ((VectorSelector) Parser.parse("x @ START()")).at());
    }

    @Test
    void subqueries() {
        SubqueryExpr sq = (SubqueryExpr) Parser.parse("rate(x[5m])[30m:1m] offset 1h @ 5");
        assertEquals(30 * MIN, sq.rangeMs());
        assertEquals(MIN, sq.stepMs());
        assertEquals(60 * MIN, sq.offsetMs());
        assertEquals(At.timestamp(5000), sq.at());
        assertEquals(ValueType.VECTOR, sq.expr().type());
        assertEquals(0, ((SubqueryExpr) Parser.parse("x[5m:]")).stepMs());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1|1", "0x1F|31", "0X1f|31", "010|8", "09|9", "1e3|1000", "1E-3|0.001", ".5|0.5", "5.|5", "-2|-2", "+2|2",
        "- -2|2", "-0x10|-16", "123456789012345678901234567890|1.2345678901234568E29"})
    void numbers(String in, double want) {
        assertEquals(new NumberLiteral(want), Parser.parse(in));
    }

    @Test
    void specialNumbers() {
        assertTrue(Double.isNaN(((NumberLiteral) Parser.parse("nAn")).value()));
        assertEquals(new NumberLiteral(Double.POSITIVE_INFINITY), Parser.parse("InF"));
        assertEquals(new NumberLiteral(Double.NEGATIVE_INFINITY), Parser.parse("-inf"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
        "^\"a\\tb\"^|^a\tb^", "^'it\\'s'^|^it's^", "^`raw\\n`^|^raw\\n^", "^\"\\x41\\101\\u00e9\\U0001F600\"^|^AAé😀^",
        "^\"\\a\\b\\f\\v\\r\\\\\"^|^\u0007\b\f\u000b\r\\^", "^\"\\xc3\\xa9\"^|^é^"})
    void strings(String in, String want) {
        assertEquals(new StringLiteral(want), Parser.parse(in));
    }

    @Test
    void unaryMinusBindsLooserThanPowerButTighterThanTimes() {
        assertEquals(new UnaryExpr('-', new BinaryExpr("^", new NumberLiteral(2), new NumberLiteral(2), false, null)),
                Parser.parse("-2^2"));
        BinaryExpr times = (BinaryExpr) Parser.parse("-x * y");
        assertEquals("*", times.op());
        assertTrue(times.lhs() instanceof UnaryExpr);
        BinaryExpr pow = (BinaryExpr) Parser.parse("2^3^2");
        assertEquals(new NumberLiteral(2), pow.lhs());
        assertTrue(pow.rhs() instanceof BinaryExpr);
        BinaryExpr or = (BinaryExpr) Parser.parse("a or b and c unless d");
        assertEquals("or", or.op());
        assertEquals("unless", ((BinaryExpr) or.rhs()).op());
        assertEquals(new ParenExpr(new BinaryExpr("+", sel("a"), sel("b"),
                false, new VectorMatching(Cardinality.ONE_TO_ONE, List.of(), false, List.of()))),
                ((BinaryExpr) Parser.parse("(a + b) * c")).lhs());
    }

    @Test
    void vectorMatching() {
        BinaryExpr b = (BinaryExpr) Parser.parse("a > bool on (x) group_left (y) b");
        assertTrue(b.returnBool());
        assertEquals(new VectorMatching(Cardinality.MANY_TO_ONE, List.of("x"), true, List.of("y")), b.matching());
        assertEquals(new VectorMatching(Cardinality.ONE_TO_MANY, List.of("x"), false, List.of()),
                ((BinaryExpr) Parser.parse("a / ignoring(x) group_right b")).matching());
        assertEquals(new VectorMatching(Cardinality.MANY_TO_MANY, List.of(), false, List.of()),
                ((BinaryExpr) Parser.parse("a AND b")).matching());
        assertEquals("and", ((BinaryExpr) Parser.parse("a AND b")).op());
        assertNull(((BinaryExpr) Parser.parse("a + 1")).matching());
        assertEquals(ValueType.SCALAR, Parser.parse("1 + 2").type());
    }

    @Test
    void aggregations() {
        AggregateExpr a = (AggregateExpr) Parser.parse("SUM(x) BY (job, on)");
        assertEquals(new AggregateExpr("sum", sel("x"), null, List.of("job", "on"), false), a);
        assertEquals(new AggregateExpr("topk", sel("x"), new NumberLiteral(3), List.of("a"), true),
                Parser.parse("topk without (a) (3, x)"));
        assertEquals(new AggregateExpr("count_values", sel("x"), new StringLiteral("v"), List.of(), false),
                Parser.parse("count_values(\"v\", x)"));
    }

    @Test
    void callsCarryTheirResultType() {
        assertEquals(new Call("time", List.of(), ValueType.SCALAR), Parser.parse("time()"));
        Call rate = (Call) Parser.parse("rate(x[5m])");
        assertEquals(ValueType.VECTOR, rate.type());
        assertEquals(new MatrixSelector(sel("x"), 5 * MIN), rate.args().get(0));
        assertEquals(2, ((Call) Parser.parse("round(x, 5)")).args().size());
        assertEquals(6, ((Call) Parser.parse("label_join(x, \"a\", \",\", \"b\", \"c\", \"d\")")).args().size());
    }

    @Test
    void errors() {
        String[][] cases = {
            {"", "1:1: parse error: no expression found in input"},
            {"  # only a comment", "1:1: parse error: no expression found in input"},
            {"sum(", "1:5: parse error: unclosed left parenthesis"},
            {"foo{a=~\"(\"}", "1:5: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
            {"rate(x)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"},
            {"foo(x)", "1:1: parse error: unknown function with name \"foo\""},
            {"{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
            {"x[5m] offset 1m[5m]", "1:16: parse error: ranges only allowed for vector selectors"},
            {"x offset 1m[5m]", "1:12: parse error: no offset modifiers allowed before range"},
            {"a + bool b", "1:3: parse error: bool modifier can only be used on comparison operators"},
            {"1 and 2", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
            {"\"a\" + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"},
            {"x\n  + \n)", "3:2: parse error: unexpected right parenthesis ')'"},
            {"x\n+ é{a=\"b\"}", "2:3: parse error: unexpected character: 'é'"},
            {"sum by (a) x", "1:12: parse error: unexpected identifier \"x\" in aggregation"},
            {"x[5m:1m:1m]", "1:8: parse error: unexpected colon ':'"},
        };
        for (String[] c : cases) {
            ParseException e = assertThrows(ParseException.class, () -> Parser.parse(c[0]), c[0]);
            assertEquals(c[1], e.getMessage(), c[0]);
            assertEquals(QueryException.ErrorType.BAD_DATA, e.errorType());
        }
    }

    @Test
    void errorPositionCountsBytesLikeTheReference() {
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse("\"é\" + )"));
        assertEquals(1, e.line());
        assertEquals(9, e.column()); // after "é" (2 bytes) + " + )"
    }

    @Test
    void parsesConcurrently() throws Exception {
        List<String> queries = List.of("sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))",
                "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))", "a / on(b) group_left(c) d",
                "max_over_time(deriv(x[5m:30s])[1h:1m] offset 5m @ end())", "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")",
                "-x ^ 2 % 3 > bool 1 unless y", "topk(3, count_values without (z) (\"v\", q))", "{__name__=~\"a|b\", c!~\"d\"}");
        // The reference is parsed on this thread alone; the pool must agree with it on every query.
        List<Expr> reference = new java.util.ArrayList<>();
        for (String q : queries) {
            reference.add(Parser.parse(q));
        }
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        try {
            List<Future<List<Integer>>> results = new java.util.ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int offset = w;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Integer> wrong = new java.util.ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        int k = (i + offset) % queries.size();
                        if (!reference.get(k).equals(Parser.parse(queries.get(k)))) {
                            wrong.add(k);
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<List<Integer>> f : results) {
                assertEquals(List.of(), f.get(), "queries whose concurrent parse differs from the single-threaded one");
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void functionTable() {
        Functions.Function round = Functions.get("round").orElseThrow();
        assertEquals(ValueType.SCALAR, round.argType(1));
        assertEquals(ValueType.STRING, Functions.get("label_join").orElseThrow().argType(9));
        // round takes one or two arguments, label_join any number past its fourth.
        Parser.parse("round(x)");
        Parser.parse("round(x, 5)");
        assertTrue(assertThrows(ParseException.class, () -> Parser.parse("round()")).getMessage()
                .contains("expected at least 1 argument(s) in call to \"round\", got 0"));
        assertTrue(assertThrows(ParseException.class, () -> Parser.parse("round(x, 1, 2)")).getMessage()
                .contains("expected at most 2 argument(s) in call to \"round\", got 3"));
        Parser.parse("label_join(x, \"d\", \",\"" + ", \"a\"".repeat(20) + ")");
        assertTrue(Functions.get("holt_winters").isPresent());
        assertTrue(Functions.get("Rate").isEmpty());
        Expr e = Parser.parse("pi()");
        assertEquals(ValueType.SCALAR, e.type());
    }
}
