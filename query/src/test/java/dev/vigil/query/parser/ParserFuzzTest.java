package dev.vigil.query.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.query.ParseException;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.Printer;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the PromQL parser. Any input either parses, and then prints to a query
 * that parses to the same printed form, or fails with a ParseException; nothing else may
 * escape, and no input may take long. {@code mvn test} replays the seeds in
 * {@code ParserFuzzTestInputs/parse}; fuzz with {@code JAZZER_FUZZ=1}.
 */
class ParserFuzzTest {
    /** Far above what any input a fuzzer produces should take. */
    private static final long LIMIT_NANOS = 2_000_000_000L;
    /** Runs before the time limit applies: class loading and instrumentation make the first ones slow. */
    private static final int WARM_UP = 200;
    private static int runs;

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] data) {
        String query = new String(data, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try {
            Expr e = Parser.parse(query);
            String printed = Printer.print(e);
            assertEquals(Normal.of(e), Normal.of(Parser.parse(printed)), "round trip of " + query);
            Printer.pretty(e);
        } catch (ParseException expected) {
            assertTrue(expected.getMessage().matches("(?s)\\d+:\\d+: parse error: .+"), expected.getMessage());
        }
        long took = System.nanoTime() - start;
        assertTrue(++runs < WARM_UP || took < LIMIT_NANOS, "took " + took / 1_000_000 + " ms for " + query.length() + " chars");
    }
}
