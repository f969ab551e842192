package dev.vigil.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The query module's packages depend downward only: text, then ast, then parser and eval. */
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/vigil/query");

    @ParameterizedTest
    @CsvSource({"ast, parser", "ast, eval", "text, ast", "text, parser", "text, eval", "parser, eval"})
    void lowerPackageNeverNamesAHigherOne(String lower, String higher) throws IOException {
        Path dir = SOURCES.resolve(lower);
        assertTrue(Files.isDirectory(dir), dir + " is missing: run from the query module");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.readString(f).contains("dev.vigil.query." + higher + ".")) {
                    offenders.add(f.getFileName().toString());
                }
            }
        }
        assertEquals(List.of(), offenders, lower + " must not depend on " + higher);
    }
}
