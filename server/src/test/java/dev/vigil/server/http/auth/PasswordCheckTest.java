package dev.vigil.server.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordCheckTest {
    private static String hash(BCrypt.Version v, String pw) {
        return new String(BCrypt.with(v).hash(4, pw.toCharArray()), StandardCharsets.US_ASCII);
    }

    @Test
    void verifiesEveryHtpasswdVersionAndCachesTheAnswer() {
        PasswordCheck c = new PasswordCheck();
        for (BCrypt.Version v : new BCrypt.Version[] {BCrypt.Version.VERSION_2A, BCrypt.Version.VERSION_2B, BCrypt.Version.VERSION_2Y}) {
            String h = hash(v, "s3cret");
            assertNull(c.cached("u", h, "s3cret"));
            assertTrue(c.verify("u", h, "s3cret"), new String(v.versionIdentifier));
            assertEquals(Boolean.TRUE, c.cached("u", h, "s3cret"));
            assertFalse(c.verify("u", h, "wrong"));
            assertEquals(Boolean.FALSE, c.cached("u", h, "wrong"));
        }
    }

    @Test
    void aChangedHashIsCheckedAgainAndTheCacheStaysBounded() {
        PasswordCheck c = new PasswordCheck();
        String h1 = hash(BCrypt.Version.VERSION_2Y, "a");
        assertTrue(c.verify("u", h1, "a"));
        String h2 = hash(BCrypt.Version.VERSION_2Y, "b");
        assertNull(c.cached("u", h2, "a"));
        assertFalse(c.verify("u", h2, "a"));
        for (int i = 0; i < 300; i++) {
            c.verify("u", h1, "guess" + i);
        }
        assertTrue(c.cacheSize() <= PasswordCheck.CACHE_SIZE, "cache holds " + c.cacheSize());
    }

    @Test
    void unknownUsersAndOverlongPasswordsFail() {
        PasswordCheck c = new PasswordCheck();
        assertFalse(c.verify("nobody", null, "x"));
        String h = hash(BCrypt.Version.VERSION_2Y, "a".repeat(72));
        assertTrue(c.verify("u", h, "a".repeat(72)));
        assertFalse(c.verify("u", h, "a".repeat(73)), "bcrypt reads 72 bytes; a longer password is refused, as Go does");
    }
}
