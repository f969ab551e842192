package dev.vigil.server.http.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Checks a password against a bcrypt hash as the exporter-toolkit does: results (failures too)
 * are cached under user, hash and password, so a reporter pushing every few seconds pays bcrypt
 * once; the cache is bounded with random eviction; one bcrypt at a time, so a flood of wrong
 * passwords costs one core at most. Unknown users are checked against a fixed hash so their
 * answer takes as long as a known user's.
 */
public final class PasswordCheck {
    /** The toolkit's size: enough for the few clients a server has, small enough to be no memory risk. */
    static final int CACHE_SIZE = 100;
    /** bcrypt reads at most 72 bytes; Go's x/crypto refuses longer passwords rather than cut them. */
    private static final int MAX_PASSWORD_BYTES = 72;
    private static final BCrypt.Verifyer VERIFYER = BCrypt.verifyer();

    private final ConcurrentHashMap<Key, Boolean> cache = new ConcurrentHashMap<>();
    private final Object bcryptLock = new Object();

    /**
     * The cached answer for this user, hash and password, or null when bcrypt must run
     * ({@link #verify}); cheap enough for an I/O thread.
     *
     * @param hash null for a user not in the file
     */
    public Boolean cached(String user, String hash, String password) {
        if (hash == null) {
            return null;
        }
        return cache.get(Key.of(user, hash, password));
    }

    /** Runs bcrypt (tens of ms at cost 10): call off the I/O thread. */
    public boolean verify(String user, String hash, String password) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        if (hash == null) {
            synchronized (bcryptLock) {
                check(pw, FakeHash.HASH);
            }
            return false;
        }
        Key key = Key.of(user, hash, password);
        Boolean hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        boolean ok;
        synchronized (bcryptLock) {
            ok = check(pw, hash.getBytes(StandardCharsets.US_ASCII));
        }
        if (cache.size() >= CACHE_SIZE) {
            evictOne();
        }
        cache.put(key, ok);
        return ok;
    }

    private static boolean check(byte[] password, byte[] hash) {
        if (password.length > MAX_PASSWORD_BYTES) {
            return false;
        }
        try {
            return VERIFYER.verify(password, hash).verified;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void evictOne() {
        int skip = ThreadLocalRandom.current().nextInt(Math.max(1, cache.size()));
        Iterator<Key> it = cache.keySet().iterator();
        while (it.hasNext()) {
            Key k = it.next();
            if (skip-- <= 0) {
                cache.remove(k);
                return;
            }
        }
    }

    /** Made on first use: a server without users never pays for it. */
    private static final class FakeHash {
        static final byte[] HASH = BCrypt.withDefaults().hash(10, "fakepassword".getBytes(StandardCharsets.UTF_8));
    }

    int cacheSize() {
        return cache.size();
    }

    /**
     * A SHA-256 of the three parts, each length-prefixed: no joining ambiguity (CVE-2022-46146 came
     * from joining without separators), and no password kept in memory.
     */
    private record Key(byte[] digest) {
        static Key of(String user, String hash, String password) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (String s : new String[] {user, hash, password}) {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    md.update(ByteBuffer.allocate(4).putInt(b.length).array());
                    md.update(b);
                }
                return new Key(md.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(digest, k.digest);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(digest);
        }
    }
}
