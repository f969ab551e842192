package dev.vigil.query.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.query.ParseException;
import dev.vigil.query.ast.Expr;
import org.junit.jupiter.api.Test;

class ParseCacheTest {
    @Test
    void aRepeatedTextIsParsedOnce() {
        ParseCache c = new ParseCache(8);
        Expr a = c.parse("sum by (job) (rate(x[5m]))");
        assertSame(a, c.parse("sum by (job) (rate(x[5m]))"));
        assertEquals(Parser.parse("sum by (job) (rate(x[5m]))").toString(), a.toString());
    }

    @Test
    void errorsAreNotKeptAndSayTheSameEachTime() {
        ParseCache c = new ParseCache(8);
        ParseException first = assertThrows(ParseException.class, () -> c.parse("sum(x"));
        ParseException second = assertThrows(ParseException.class, () -> c.parse("sum(x"));
        assertEquals(first.getMessage(), second.getMessage());
    }

    @Test
    void keepsOnlyTheMostRecentTexts() {
        ParseCache c = new ParseCache(2);
        Expr a = c.parse("a");
        c.parse("b");
        c.parse("c");
        Expr again = c.parse("a");
        assertNotSame(a, again);
        assertEquals(a.toString(), again.toString());
        String longText = "x{job=\"" + "j".repeat(ParseCache.MAX_TEXT) + "\"}";
        assertNotSame(c.parse(longText), c.parse(longText));
    }
}
