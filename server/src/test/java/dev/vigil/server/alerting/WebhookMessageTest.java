package dev.vigil.server.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fingerprints and group keys as Alertmanager 0.25 computes them; the vigil.notify section's checks. */
class WebhookMessageTest {
    @Test
    void fingerprintsAreAlertmanagers() {
        // Read from the real Alertmanager 0.25's /api/v2/alerts for the same labels.
        assertEquals("5a702233ae58960a", WebhookMessage.fingerprint(Labels.of("alertname", "TaskManagerDown", "dc", "test",
                "job", "flink", "severity", "page")));
        assertEquals("ffd1cb2f240bec9b", WebhookMessage.fingerprint(Labels.of("a", "ü")));
    }

    @Test
    void groupKeyOfTheRootRoute() {
        assertEquals("{}:{alertname=\"X\", job=\"a\\\"b\"}", WebhookMessage.groupKey(Labels.of("alertname", "X", "job", "a\"b")));
        assertEquals("{}:{}", WebhookMessage.groupKey(Labels.EMPTY));
    }

    @Test
    void configDefaultsAndErrors() {
        NotifyConfig c = NotifyConfig.parse("""
                vigil:
                  notify:
                    route: {receiver: r}
                    receivers:
                      - name: r
                        webhook_configs: [{url: 'http://h/x', http_config: {basic_auth: {username: u, password: p}}}]
                """, "v.yml");
        assertEquals(new NotifyConfig.Route("r", List.of(), 30_000, 300_000, 4 * 3_600_000L), c.route());
        NotifyConfig.Webhook w = c.receivers().get("r").get(0);
        assertTrue(w.sendResolved());
        assertEquals("Basic dTpw", w.headers().get("Authorization"));
        assertEquals(NotifyConfig.NONE, NotifyConfig.parse("global: {}\n", "v.yml"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyConfig.parse("""
                vigil:
                  notify:
                    route: {receiver: nobody}
                    receivers: [{name: r}]
                """, "v.yml"));
        assertEquals("v.yml:3: undefined receiver \"nobody\" used in route", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NotifyConfig.parse("""
                vigil:
                  notify:
                    route: {receiver: r, group_wait: soon}
                    receivers: [{name: r}]
                """, "v.yml"));
        assertEquals("v.yml:3: not a valid duration string: \"soon\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NotifyConfig.parse("""
                vigil:
                  notify:
                    route: {receiver: r}
                    receivers:
                      - name: r
                        email_configs: []
                """, "v.yml"));
        assertTrue(e.getMessage().startsWith("v.yml:6: field email_configs not found in receiver"), e.getMessage());
    }

    @Test
    void childRoutesInheritAndAreMatchedDepthFirst() {
        NotifyConfig c = NotifyConfig.parse("""
                vigil:
                  notify:
                    route:
                      receiver: r
                      group_by: [alertname]
                      routes:
                        - {matchers: ['team = "a"', 'severity=~"page|critical"'], receiver: p, continue: true}
                        - {match_re: {team: 'a|b'}, group_wait: 1s}
                    receivers: [{name: r}, {name: p}]
                """, "v.yml");
        NotifyConfig.Route page = c.route().routes().get(0);
        assertEquals("{}/{severity=~\"page|critical\",team=\"a\"}", page.key());
        assertEquals(List.of("alertname"), page.groupBy());
        NotifyConfig.Route teams = c.route().routes().get(1);
        assertEquals("r", teams.receiver());
        assertEquals(1_000, teams.groupWaitMs());
        assertEquals(List.of(page, teams), c.route().match(Labels.of("team", "a", "severity", "page")));
        assertEquals(List.of(teams), c.route().match(Labels.of("team", "a", "severity", "info")));
        assertEquals(List.of(c.route()), c.route().match(Labels.of("team", "c")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyConfig.parse("""
                vigil:
                  notify:
                    route: {receiver: r, matchers: ['a=b']}
                    receivers: [{name: r}]
                """, "v.yml"));
        assertEquals("v.yml:3: root route must not have any matchers", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NotifyConfig.parse("""
                vigil:
                  notify:
                    route:
                      receiver: r
                      routes: [{matchers: ['team=~"("']}]
                    receivers: [{name: r}]
                """, "v.yml"));
        assertTrue(e.getMessage().startsWith("v.yml:5: invalid regular expression \"(\""), e.getMessage());
    }
}
