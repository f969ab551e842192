package dev.vigil.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.Values;
import org.junit.jupiter.api.Test;

/**
 * The map file header's accessor class ships precompiled (so the server never loads the Java
 * compiler); it must stay exactly what the library would generate, or a map file's header would be
 * read at the wrong offsets.
 */
class SeriesRegistryGeneratedStateTest {
    private static final Path SOURCE = Path.of("src/main/java/net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native.java");

    @Test
    void shippedHeaderClassIsWhatTheLibraryGeneratesToday() throws Exception {
        Class<?> model = Class.forName("net.openhft.chronicle.values.ValueModel");
        Object m = model.getMethod("acquire", Class.class).invoke(null, VanillaGlobalMutableState.class);
        Method simpleName = model.getDeclaredMethod("simpleName");
        simpleName.setAccessible(true);
        Method generate = Class.forName("net.openhft.chronicle.values.Generators").getDeclaredMethod("generateNativeClass", model, String.class);
        generate.setAccessible(true);
        String expected = (String) generate.invoke(null, m, simpleName.invoke(m) + "$$Native");
        String shipped = Files.readString(SOURCE, StandardCharsets.UTF_8);
        assertEquals(expected, shipped.substring(shipped.indexOf("\npackage ") + 1),
                "the library generates a different header class now: copy its source (printed above) into " + SOURCE);
    }

    @Test
    void theLibraryUsesTheShippedClassInsteadOfCompilingOne() throws Exception {
        assertSame(Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native"),
                Values.nativeClassFor(VanillaGlobalMutableState.class));
    }
}
