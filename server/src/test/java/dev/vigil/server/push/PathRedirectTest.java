package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PathRedirectTest {
    @Test
    void cleansLikeGoServerMux() {
        assertEquals("/metrics/job/a", PathRedirect.clean("/metrics/job//a"));
        assertEquals("/metrics/job/a/", PathRedirect.clean("/metrics/job/a//"));
        assertEquals("/metrics/job/b/c", PathRedirect.clean("/metrics/job/a/../b/c"));
        assertEquals("/metrics/job/a", PathRedirect.clean("/metrics/job/a/."));
        assertEquals("/metrics/job/a", PathRedirect.clean("/metrics/job/a/b/.."));
        assertEquals("/", PathRedirect.clean("/../.."));
        assertEquals("/", PathRedirect.clean(""));
        assertEquals("/metrics/job/a/", PathRedirect.clean("/metrics/job/a/"));
        assertEquals("/metrics/job/a/b", PathRedirect.clean("/metrics/job/a/b"));
    }

    @Test
    void cleanPathsAreRecognisedWithoutCleaning() {
        for (String p : new String[] {"/metrics/job/a", "/metrics/job/a/", "/", "/metrics/job/a.b/..c/...", "/metrics/job/.x"}) {
            assertEquals(true, PathRedirect.isClean(p), p);
            assertEquals(p, PathRedirect.clean(p));
        }
        for (String p : new String[] {"", "metrics", "//", "/a//b", "/a/./b", "/a/../b", "/a/.", "/a/..", "/a//", "/./", "/."}) {
            assertEquals(false, PathRedirect.isClean(p), p);
        }
    }

    @Test
    void escapesLikeGoUrl() {
        assertEquals("/metrics/job/a%20b%C3%BC", PathRedirect.escape("/metrics/job/a bü"));
        assertEquals("/a+b$&,:;=@-_.~", PathRedirect.escape("/a+b$&,:;=@-_.~"));
        assertEquals("/%3F%23%25%22%21", PathRedirect.escape("/?#%\"!"));
    }
}
