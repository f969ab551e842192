package dev.vigil.tsdb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing reference program is never passed over in silence. */
class ReferencesTest {
    @Test
    void aMissingProgramSkipsTheTestOrFailsItUnderCi() {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        Throwable t = assertThrows(Throwable.class, () -> References.require("vigil-no-such-program"));
        Class<? extends Throwable> expected = ci ? AssertionFailedError.class : TestAbortedException.class;
        assertEquals(expected, t.getClass(), t.toString());
        assertTrue(t.getMessage().contains("vigil-no-such-program not installed"), t.getMessage());
    }

    @Test
    void anInstalledProgramIsItsPath() {
        assertEquals(Path.of("/usr/bin/env"), References.require("env"));
    }
}
