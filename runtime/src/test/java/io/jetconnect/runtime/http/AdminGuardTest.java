package io.jetconnect.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdminGuardTest {

    private static final AdminGuard DEFAULTS = new AdminGuard(List.of("localhost", "127.0.0.1", "[::1]"),
            "127.0.0.1");

    /** Headers from alternating names and values, names as given (the caller lower-cases them). */
    private static Map<String, List<String>> headers(String... pairs) {
        Map<String, List<String>> out = new HashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            out.computeIfAbsent(pairs[i], n -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return out;
    }

    private static int status(AdminGuard guard, String method, String path, String... headers) {
        return guard.check(method, path, headers(headers)).status();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8083", "localhost:8083", "LOCALHOST", "localhost.:1", "[::1]:8083", "[::1]",
        "127.0.0.1"})
    void loopbackNamesAreServed(String host) {
        assertEquals(0, status(DEFAULTS, "GET", "/v1/pipelines", "host", host));
        assertEquals(0, status(DEFAULTS, "POST", "/v1/reload", "host", host, "content-type", "application/json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rebind.evil.example", "rebind.evil.example:8083", "127.0.0.2:8083", "[::2]:8083",
        "localhost.evil.example"})
    void otherHostsAre421ForEveryPath(String host) {
        for (String[] call : new String[][] {{"POST", "/v1/reload"}, {"GET", "/v1/pipelines"}, {"GET", "/metrics"},
            {"POST", "/v1/pipelines/ingest/events"}}) {
            AdminGuard.Decision decision = DEFAULTS.check(call[0], call[1], headers("host", host,
                    "content-type", "application/json"));
            assertEquals(421, decision.status(), call[1]);
            assertTrue(decision.reason().contains("allowed-hosts"));
        }
    }

    @Test
    void theBindAddressAndConfiguredNamesAreServedAndStarAllowsAll() {
        AdminGuard guard = new AdminGuard(List.of("jetconnect.internal"), "10.0.0.5");
        assertEquals(0, status(guard, "GET", "/healthz", "host", "10.0.0.5:8083"));
        assertEquals(0, status(guard, "GET", "/healthz", "host", "JetConnect.Internal:8083"));
        assertEquals(421, status(guard, "GET", "/healthz", "host", "localhost:8083"), "the list replaces defaults");
        assertEquals(0, status(new AdminGuard(List.of("*"), "0.0.0.0"), "GET", "/healthz", "host", "any.example"));
    }

    @Test
    void aRequestWithoutHostIsServedAndTwoHostsAreNot() {
        assertEquals(0, status(DEFAULTS, "GET", "/healthz"));
        assertEquals(421, status(DEFAULTS, "GET", "/healthz", "host", "localhost", "host", "evil.example"));
    }

    @ParameterizedTest
    @CsvSource({"http://evil.example", "http://localhost:9999", "http://127.0.0.1:8084", "null",
        "http://127.0.0.1:8083/path", "not a uri"})
    void mutatingCallsFromAnotherOriginAre403(String origin) {
        assertEquals(403, status(DEFAULTS, "POST", "/v1/pipelines/ingest/pause", "host", "127.0.0.1:8083",
                "origin", origin, "content-type", "application/json"));
    }

    @ParameterizedTest
    @CsvSource({"POST, /v1/pipelines/ingest/pause, 127.0.0.1:8083, http://127.0.0.1:8083",
        "PUT, /v1/pipelines/ingest/cursor, localhost, http://localhost"})
    void theRequestsOwnOriginIsServed(String method, String path, String host, String origin) {
        assertEquals(0, status(DEFAULTS, method, path, "host", host, "origin", origin,
                "content-type", "application/json"));
    }

    @ParameterizedTest
    @CsvSource({"cross-site, 403", "same-origin, 0"})
    void secFetchSiteCrossSiteIs403(String site, int expected) {
        assertEquals(expected, status(DEFAULTS, "POST", "/v1/reload", "host", "127.0.0.1:8083",
                "sec-fetch-site", site, "content-type", "application/json"));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NONE", value = {"text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "NONE", "application/jsonx"})
    void aSimpleRequestIs415(String contentType) {
        String[] headers = contentType == null ? new String[] {"host", "127.0.0.1:8083"}
                : new String[] {"host", "127.0.0.1:8083", "content-type", contentType};
        for (String[] call : new String[][] {{"POST", "/v1/pipelines/ingest/pause"}, {"POST", "/v1/reload"},
            {"PUT", "/v1/pipelines/ingest/cursor"}, {"POST", "/v1/pipelines/ingest/dlq/drain"},
            {"DELETE", "/v1/pipelines/ingest"}}) {
            AdminGuard.Decision decision = DEFAULTS.check(call[0], call[1], headers(headers));
            assertEquals(415, decision.status(), call[1]);
            assertNotNull(decision.reason());
        }
    }

    @Test
    void jsonOrTheCustomHeaderIsEnough() {
        assertEquals(0, status(DEFAULTS, "POST", "/v1/reload", "content-type", "Application/JSON; charset=utf-8"));
        assertEquals(0, status(DEFAULTS, "POST", "/v1/reload", "x-jetconnect-request", "1"));
        assertEquals(415, status(DEFAULTS, "POST", "/v1/reload", "x-jetconnect-request", "yes"));
    }

    @Test
    void readsAndIngestAreNotAdminMutations() {
        assertEquals(0, status(DEFAULTS, "GET", "/v1/pipelines/ingest/cursor", "origin", "http://evil.example"));
        assertEquals(0, status(DEFAULTS, "POST", "/v1/pipelines/ingest/events", "host", "127.0.0.1:8083",
                "origin", "http://evil.example", "content-type", "text/plain"));
        assertEquals(0, status(DEFAULTS, "POST", "/other", "content-type", "text/plain"));
    }

    @Test
    void configuredHostsAreChecked() {
        assertNull(AdminGuard.problem(List.of("localhost", "[::1]", "*", "10.0.0.5")));
        assertNotNull(AdminGuard.problem(List.of("http://localhost")));
        assertNotNull(AdminGuard.problem(List.of("")));
        assertNotNull(AdminGuard.problem(List.of("a b")));
    }

    @org.junit.jupiter.api.Test
    void aCrossSiteWebSocketUpgradeToTheLiveFeedIsRefusedAndASameOriginOneIsNot() {
        AdminGuard guard = new AdminGuard(java.util.List.of("localhost", "127.0.0.1"), "127.0.0.1");
        java.util.Map<String, java.util.List<String>> evil = java.util.Map.of("host", java.util.List.of("127.0.0.1:8083"),
                "upgrade", java.util.List.of("websocket"), "origin", java.util.List.of("http://evil.example"));
        org.junit.jupiter.api.Assertions.assertEquals(403,
                guard.check("GET", "/v1/streams/events/events", evil).status());
        java.util.Map<String, java.util.List<String>> same = java.util.Map.of("host", java.util.List.of("127.0.0.1:8083"),
                "upgrade", java.util.List.of("websocket"), "origin", java.util.List.of("http://127.0.0.1:8083"));
        org.junit.jupiter.api.Assertions.assertTrue(guard.check("GET", "/v1/streams/events/events", same).allowed());
        java.util.Map<String, java.util.List<String>> noOrigin = java.util.Map.of("host",
                java.util.List.of("127.0.0.1:8083"), "upgrade", java.util.List.of("websocket"));
        org.junit.jupiter.api.Assertions.assertTrue(guard.check("GET", "/v1/streams/events/events", noOrigin).allowed(),
                "a non-browser client sends no Origin");
    }
}
