package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
    private static Map<String, List<String>> parse(String... parts) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String s : parts) {
            Params.parseInto(s, m);
        }
        return m;
    }

    @Test
    void formValuesAsGoDecodesThem() {
        Map<String, List<String>> m = parse("query=sum+by+%28job%29+%28up%7Bjob%3D~%22.%2B%22%7D%29&time=1700000000.5");
        assertEquals(List.of("sum by (job) (up{job=~\".+\"})"), m.get("query"));
        assertEquals(List.of("1700000000.5"), m.get("time"));
        assertEquals(List.of("query", "time"), List.copyOf(m.keySet()));
    }

    @Test
    void emptyPairsAreSkippedAndBareKeysHaveEmptyValues() {
        Map<String, List<String>> m = parse("&&a=1&&b&c=&=x&");
        assertEquals(List.of("1"), m.get("a"));
        assertEquals(List.of(""), m.get("b"));
        assertEquals(List.of(""), m.get("c"));
        assertEquals(List.of("x"), m.get(""));
        assertEquals(4, m.size());
        assertEquals(Map.of(), parse(""));
        assertEquals(Map.of(), parse((String) null));
        assertEquals(Map.of(), parse("&"));
    }

    @Test
    void repeatedKeysCollectInOrderBodyFirst() {
        Params p = Params.of(parse("match%5B%5D=up&start=1", "match[]=down&start=2"));
        assertEquals(List.of("up", "down"), p.all("match[]"));
        assertEquals("1", p.get("start"));
        assertEquals("", p.get("absent"));
        assertEquals(List.of(), p.all("absent"));
    }

    @Test
    void onlyTheFirstEqualsSignSplits() {
        assertEquals(List.of("a=b=c"), parse("q=a=b=c").get("q"));
        assertEquals(List.of("x y+z"), parse("q=x+y%2Bz").get("q"));
        assertEquals(List.of("é"), parse("q=%C3%A9").get("q"));
    }

    @Test
    void aMalformedEscapeIsA400NamingThePair() {
        ApiException e = assertThrows(ApiException.class, () -> parse("time=1&query=up%ZZ&x=1"));
        assertEquals("error parsing form values: invalid URL escape in \"query=up%ZZ\"", e.getMessage());
        e = assertThrows(ApiException.class, () -> parse("bad%2=1"));
        assertEquals("error parsing form values: invalid URL escape in \"bad%2=1\"", e.getMessage());
    }
}
