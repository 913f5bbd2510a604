package io.jetconnect.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jetconnect.http limits, tls and jetconnect.admin as pipeline.conf gives them: defaults, and errors with file:line. */
class HttpSettingsTest {

    @TempDir
    Path dir;

    private Path write(String http) throws IOException {
        return Files.writeString(dir.resolve("pipeline.conf"), "jetconnect {\n  data-dir = data\n" + http
                + "\n  nats { url = \"nats://127.0.0.1:4222\", embedded = off }\n}\n");
    }

    private HttpSettings load(String http) throws IOException {
        LoadedConfig config = new PipelineConfigLoader().load(write(http));
        return HttpSettings.read(config.root().getConfig("jetconnect"));
    }

    private List<String> problems(String http) throws IOException {
        Path file = write(http);
        return assertThrows(ConfigProblems.class, () -> new PipelineConfigLoader().load(file)).problems();
    }

    @Test
    void defaultsAreSafeAndTlsAndTheAdminListenerAreOff() throws IOException {
        HttpSettings s = load("");
        assertEquals(Duration.ofSeconds(10), s.headerTimeout());
        assertEquals(Duration.ofSeconds(10), s.requestTimeout());
        assertEquals(Duration.ofSeconds(60), s.idleTimeout());
        assertEquals(1024, s.maxConnections());
        assertEquals(8192, s.maxHeaderSize());
        assertTrue(s.tls().isEmpty());
        assertTrue(s.admin().isEmpty());
    }

    @Test
    void tlsAndTheAdminListenerAsWritten() throws IOException {
        HttpSettings s = load("""
                  http { header-timeout = 2s, max-connections = 50, max-header-size = 16KiB
                    tls { cert-file = a.crt, key-file = a.key, ca-file = ca.crt, client-auth = require } }
                  admin { port = 9000 }
                """);
        assertEquals(Duration.ofSeconds(2), s.headerTimeout());
        assertEquals(50, s.maxConnections());
        assertEquals(16384, s.maxHeaderSize());
        assertEquals(HttpSettings.ClientAuth.REQUIRE, s.tls().orElseThrow().clientAuth());
        assertEquals(Path.of("a.key").toAbsolutePath(), s.tls().orElseThrow().keyFile());
        assertEquals(new HttpSettings.Address("127.0.0.1", 9000), s.admin().orElseThrow());
    }

    @Test
    void badValuesNameTheKeyFileAndLine() throws IOException {
        String unknownAuth = problems("  http { tls { cert-file = a.crt, key-file = a.key, client-auth = maybe } }")
                .get(0);
        assertTrue(unknownAuth.matches(".*pipeline\\.conf:3: Invalid value at 'jetconnect\\.http\\.tls\\.client-auth'"
                + ": must be none, request or require"), unknownAuth);
        String noCa = problems("  http { tls { cert-file = a.crt, key-file = a.key, client-auth = require } }")
                .get(0);
        assertTrue(noCa.contains("jetconnect.http.tls.ca-file") && noCa.contains("pipeline.conf:3"), noCa);
        String noKey = problems("  http { tls { cert-file = a.crt } }").get(0);
        assertTrue(noKey.contains("jetconnect.http.tls.key-file"), noKey);
        String zero = problems("  http { header-timeout = 0s }").get(0);
        assertTrue(zero.contains("pipeline.conf:3: Invalid value at 'jetconnect.http.header-timeout'"), zero);
        String connections = problems("  http { max-connections = 0 }").get(0);
        assertTrue(connections.contains("jetconnect.http.max-connections"), connections);
        String port = problems("  admin { port = 70000 }").get(0);
        assertTrue(port.contains("pipeline.conf:3: Invalid value at 'jetconnect.admin.port'"), port);
        String typo = problems("  http { header-timeuot = 1s }").get(0);
        assertTrue(typo.contains("Unknown key 'jetconnect.http.header-timeuot'"), typo);
    }
}
