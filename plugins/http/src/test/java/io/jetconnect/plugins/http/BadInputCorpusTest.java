package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.IngressResponse;
import io.jetconnect.testing.TestContexts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The http cases of the bad-input corpus ({@code src/test/resources/corpus/http}, shipped in this module's test-jar
 * and run end to end by distribution's {@code BadInputCorpusIT}) that the http source decides on its own, through
 * its endpoint: status, index and error text as {@code expect.txt} says, nothing emitted. Cases the chain refuses (422) must pass the
 * source, every event emitted. Cases about the transport (methods, unknown pipelines, raw chunking, half-closed or
 * stalled sockets) are the runtime's and are left to that test.
 */
class BadInputCorpusTest {

    private static final Path CORPUS = Path.of(System.getProperty("basedir", "."))
            .resolve("src/test/resources/corpus/http");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The {@code small} pipeline of {@code BadInputCorpusIT}. */
    private static final String SMALL = "max-request-bytes = 16KiB, max-events-per-request = 10";

    @TestFactory
    Stream<DynamicTest> everyCaseTheSourceDecides() throws IOException {
        assertTrue(Files.isDirectory(CORPUS), () -> "no corpus at " + CORPUS);
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(CORPUS)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                CorpusRequest request = CorpusRequest.load(dir);
                if (request != null) {
                    tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir, request)));
                }
            }
        }
        // Most of the corpus is the source's; far fewer cases would mean they are being skipped by mistake.
        assertTrue(tests.size() >= 80, () -> "only " + tests.size() + " corpus cases run");
        return tests.stream();
    }

    private static void run(Path dir, CorpusRequest corpus) throws Exception {
        List<String> expect = Files.readAllLines(dir.resolve("expect.txt"), StandardCharsets.UTF_8);
        int status = Integer.parseInt(value(expect, "status").get(0));
        RecordingSink sink = RecordingSink.completing();
        TestContexts contexts = TestContexts.of("http").config(corpus.small() ? SMALL : "");
        HttpSource source = new HttpSource();
        source.start(contexts.source(sink));
        try {
            IngressHandler handler = contexts.ingress();
            IngressResponse response = handler.handle(corpus.request()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            JsonNode body = MAPPER.readTree(response.body());
            if (status == 422) {
                assertEquals(202, response.status(), body::toString);
                assertTrue(sink.events().size() > 0);
                return;
            }
            assertEquals(status, response.status(), body::toString);
            for (String index : value(expect, "index")) {
                assertEquals(Integer.parseInt(index), body.path("index").asInt(-1), body::toString);
            }
            for (String part : value(expect, "error-contains")) {
                assertTrue(body.path("error").asText().contains(part), () -> "'" + part + "' in " + body);
            }
            assertTrue(sink.events().isEmpty(), "nothing is emitted");
            sameAsTheSdkPath(corpus);
        } finally {
            source.stop();
        }
    }

    /** For bodies in the JSON event format, the streaming reader refuses as the SDK path did, message included. */
    private static void sameAsTheSdkPath(CorpusRequest corpus) throws IOException {
        String type = corpus.request().headers().getOrDefault("content-type", List.of("")).get(0);
        boolean batch = type.startsWith(MediaType.BATCH_JSON);
        if (!batch && !type.startsWith(MediaType.STRUCTURED_JSON)) {
            return;
        }
        HttpSourceSettings settings = new HttpSourceSettings(corpus.small() ? 16 << 10 : 4 << 20,
                corpus.small() ? 10 : 10_000, java.time.Duration.ofSeconds(1), 64);
        if (corpus.body().length <= settings.maxRequestBytes()) {
            JsonEventReaderTest.assertSameOutcome(JsonEventReaderTest.both(settings, batch, corpus.body()));
        }
    }

    private static List<String> value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + ":")).map(l -> l.substring(key.length() + 1).trim())
                .toList();
    }

    /** A corpus case as the request the runtime would hand the source, or null if the runtime decides it. */
    private record CorpusRequest(TestRequest request, boolean small, byte[] body) {

        static CorpusRequest load(Path dir) throws IOException {
            TestRequest request = new TestRequest();
            boolean small = false;
            long declared = -2;
            boolean chunked = false;
            Path headers = dir.resolve("headers.txt");
            for (String line : Files.exists(headers) ? Files.readAllLines(headers) : List.<String>of()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String name = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(line.indexOf(':') + 1).trim();
                switch (name) {
                    case "x-corpus-pipeline" -> {
                        if (!value.equals("small") && !value.equals("ingest")) {
                            return null;
                        }
                        small = value.equals("small");
                    }
                    case "x-corpus-method", "x-corpus-raw-body", "x-corpus-half-close", "x-corpus-timeout" -> {
                        return null;
                    }
                    case "content-length" -> declared = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    default -> request.header(name, value);
                }
            }
            byte[] body = body(dir);
            if (chunked) {
                request.chunked(new ByteArrayInputStream(body));
            } else if (declared >= -1) {
                request.declaredLength(declared, new ByteArrayInputStream(body));
            } else {
                request.body(body);
            }
            return new CorpusRequest(request, small, body);
        }

        private static byte[] body(Path dir) throws IOException {
            if (Files.exists(dir.resolve("body.bin"))) {
                return Files.readAllBytes(dir.resolve("body.bin"));
            }
            if (!Files.exists(dir.resolve("generate.txt"))) {
                return new byte[0];
            }
            String[] spec = value(Files.readAllLines(dir.resolve("generate.txt")), "generate").get(0).split("\\s+");
            return CorpusBodies.generate(spec[0], Integer.parseInt(spec[1]), dir.getFileName().toString());
        }
    }
}
