package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.nats.EventTenant;
import io.jetconnect.runtime.pipeline.PipelineSourceContext;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.IngressRequest;
import io.jetconnect.spi.IngressResponse;
import io.jetconnect.testing.TestContexts;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** source.auth through the source itself: credentials, tenants bound per event, fill-tenant, metrics. */
class IngestAuthTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ACME = "tok-acme-0123456789abcdef";
    private static final String BOTH = "tok-both-0123456789abcdef";
    private static final String ANY = "tok-any-0123456789abcdef";

    @TempDir
    Path dir;

    private HttpSource source;
    private TestContexts contexts;
    private RecordingSink sink;

    @AfterEach
    void stop() {
        if (source != null) {
            source.stop();
        }
    }

    private Path tokens() throws IOException {
        return Files.writeString(dir.resolve("tokens"), "# test tokens\n" + ACME + " acme\n" + BOTH
                + " acme,globex\n" + ANY + " *\n");
    }

    private IngressHandler start(String auth) {
        contexts = TestContexts.of("http").config("auth { " + auth + " }");
        sink = RecordingSink.completing();
        PipelineSourceContext context = contexts.source(sink);
        source = new HttpSource();
        source.validate(contexts.connectorConfig());
        source.start(context);
        return contexts.ingress();
    }

    private IngressHandler tokenMode(String more) throws IOException {
        return start("mode = token, tokens-file = \"" + tokens() + "\" " + more);
    }

    private static IngressResponse answer(IngressHandler handler, IngressRequest request) {
        try {
            return handler.handle(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer", e);
        }
    }

    private static JsonNode json(IngressResponse response) throws IOException {
        return MAPPER.readTree(response.body());
    }

    private static String event(String id, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/orders\",\"type\":\"com.example.created\","
                + "\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
    }

    private static String tenantEvent(String id, String tenant) {
        return event(id, "{\"tenantId\":\"" + tenant + "\",\"n\":1}");
    }

    private static TestRequest batch(String... events) {
        return TestRequest.batch("[" + String.join(",", events) + "]");
    }

    private static TestRequest bearer(TestRequest request, String token) {
        return request.header("Authorization", "Bearer " + token);
    }

    private double outcome(String outcome) {
        Counter counter = contexts.registry().find("jetconnect.http.auth").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void withoutCredentials401WithBearerChallengeAndNothingStored() throws IOException {
        IngressHandler handler = tokenMode("");
        IngressResponse response = answer(handler, batch(tenantEvent("1", "acme")));
        assertEquals(401, response.status());
        assertEquals("Bearer realm=\"jetconnect\"", response.headers().get("WWW-Authenticate"));
        assertTrue(sink.events().isEmpty());
        assertEquals(1, outcome("missing"));
    }

    @Test
    void wrongOrMalformedCredentials401AndTheTokenIsNeverEchoed() throws IOException {
        IngressHandler handler = tokenMode("");
        for (TestRequest request : List.of(
                bearer(batch(tenantEvent("1", "acme")), ACME + "x"),
                batch(tenantEvent("1", "acme")).header("Authorization", "Basic " + ACME))) {
            IngressResponse response = answer(handler, request);
            assertEquals(401, response.status());
            assertTrue(response.headers().get("WWW-Authenticate").contains("invalid_token"));
            assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("tok-"));
        }
        assertTrue(sink.events().isEmpty());
        assertEquals(2, outcome("invalid"));
        assertFalse(contexts.registry().scrape().contains("tok-"), "no token in any metric");
    }

    @Test
    void aTenantTheTokenMayNotWriteRefusesTheWholeRequestNamingTheEvent() throws IOException {
        IngressHandler handler = tokenMode("");
        IngressResponse response = answer(handler,
                bearer(batch(tenantEvent("1", "acme"), tenantEvent("2", "acme"), tenantEvent("3", "globex")), ACME));
        assertEquals(403, response.status());
        JsonNode body = json(response);
        assertEquals(2, body.path("index").asInt());
        assertTrue(body.path("error").asText().contains("globex"), body.toString());
        assertTrue(sink.events().isEmpty(), "nothing of the request is emitted");
        assertEquals(1, outcome("forbidden"));
    }

    @Test
    void allowedTenantsAreAccepted() throws IOException {
        IngressHandler handler = tokenMode("");
        assertEquals(202, answer(handler, bearer(batch(tenantEvent("1", "acme"), tenantEvent("2", "globex")), BOTH))
                .status());
        assertEquals(202, answer(handler, bearer(batch(tenantEvent("3", "initech")), ANY)).status());
        assertEquals(202, answer(handler, TestRequest.binary("application/json", "{\"tenantId\":\"acme\"}")
                .header("authorization", "bearer " + ACME)).status());
        assertEquals(4, sink.events().size());
        assertEquals(3, outcome("ok"));
    }

    @Test
    void theTenantIsTheOneTheSinkWouldUseNotAnotherReading() throws IOException {
        IngressHandler handler = tokenMode("");
        // Nested or non-JSON "tenantId" never names the tenant: such an event is stored under "single".
        assertEquals(403, answer(handler, bearer(batch(event("1", "{\"x\":{\"tenantId\":\"acme\"}}")), ACME))
                .status());
        assertEquals(403, answer(handler, bearer(TestRequest.binary("text/plain", "{\"tenantId\":\"acme\"}"), ACME))
                .status());
        assertEquals(403, answer(handler, bearer(batch(event("2", "{\"tenantId\":[\"acme\"]}")), ANY)).status());
        assertTrue(sink.events().isEmpty());
    }

    @Test
    void fillTenantGivesAnEventWithoutOneTheTokensOnlyTenant() throws IOException {
        IngressHandler handler = tokenMode(", fill-tenant = true");
        assertEquals(202, answer(handler, bearer(batch(event("1", "{\"n\":1}"), tenantEvent("2", "acme")), ACME))
                .status());
        assertEquals("{\"tenantId\":\"acme\",\"n\":1}",
                new String(sink.events().get(0).getData().toBytes(), StandardCharsets.UTF_8));
        assertEquals("acme", EventTenant.tenantOf(sink.events().get(1)));
        // Several tenants: nothing to fill in with, so the event's tenant is "single", which it may not write.
        assertEquals(403, answer(handler, bearer(batch(event("3", "{\"n\":1}")), BOTH)).status());
        assertEquals(2, sink.events().size());
    }

    @Test
    void withoutFillTenantAnEventWithoutTenantIsSingle() throws IOException {
        IngressHandler handler = tokenMode("");
        assertEquals(403, answer(handler, bearer(batch(event("1", "{\"n\":1}")), ACME)).status());
        assertEquals(202, answer(handler, bearer(batch(event("2", "{\"n\":1}")), ANY)).status());
        assertEquals(1, sink.events().size());
    }

    @Test
    void mtlsMapsTheCertificatesPrincipalToTenants() {
        IngressHandler handler = start("mode = mtls, mtls { principal = san-dns, tenants { "
                + "\"ingest.acme.example\" = [acme] } }");
        X509Certificate acme = TestCertificates.client("CN=whatever", List.of("Ingest.Acme.Example"), List.of());
        X509Certificate other = TestCertificates.client("CN=ingest.acme.example", List.of("x.example"), List.of());
        IngressResponse none = answer(handler, batch(tenantEvent("1", "acme")));
        assertEquals(401, none.status());
        assertNull(none.headers().get("WWW-Authenticate"), "no bearer challenge when tokens are not taken");
        assertEquals(401, answer(handler, batch(tenantEvent("1", "acme")).peerCertificates(other)).status());
        assertEquals(403, answer(handler, batch(tenantEvent("1", "globex")).peerCertificates(acme)).status());
        assertEquals(202, answer(handler, batch(tenantEvent("1", "acme")).peerCertificates(acme)).status());
        assertEquals(1, sink.events().size());
        assertEquals(1, outcome("missing"));
        assertEquals(1, outcome("invalid"));
        assertEquals(1, outcome("forbidden"));
        assertEquals(1, outcome("ok"));
    }

    @Test
    void tokenOrMtlsTakesEitherButAPresentedTokenMustBeValid() throws IOException {
        IngressHandler handler = start("mode = token-or-mtls, tokens-file = \"" + tokens() + "\", "
                + "mtls { principal = cn, tenants { client-a = [globex] } }");
        X509Certificate cert = TestCertificates.client("CN=client-a,O=Example");
        assertEquals(202, answer(handler, batch(tenantEvent("1", "globex")).peerCertificates(cert)).status());
        assertEquals(202, answer(handler, bearer(batch(tenantEvent("2", "acme")), ACME)).status());
        assertEquals(401, answer(handler, bearer(batch(tenantEvent("3", "globex")), "nope-0123456789abcdef")
                .peerCertificates(cert)).status());
        assertEquals(2, sink.events().size());
    }

    @Test
    void configErrorsNameTheKeyAndNeverATokensContent() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad"), "SECRET-0123456789abcdef acme.eu\n");
        for (String auth : List.of("mode = tokens", "mode = token",
                "mode = token, tokens-file = \"" + dir.resolve("nope") + "\"",
                "mode = token, tokens-file = \"" + bad + "\"", "mode = mtls",
                "mode = mtls, mtls { principal = uid, tenants { a = [b] } }",
                "mode = mtls, mtls.tenants { a = [] }")) {
            TestContexts c = TestContexts.of("http").config("auth { " + auth + " }");
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> new HttpSource().validate(c.connectorConfig()), auth);
            assertTrue(e.getMessage().contains("auth."), e.getMessage());
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        }
    }

    @Test
    void noneTakesAnyoneAndCountsNothing() {
        IngressHandler handler = start("mode = none");
        assertEquals(202, answer(handler, batch(tenantEvent("1", "globex"))).status());
        assertNull(contexts.registry().find("jetconnect.http.auth").counter());
    }
}
