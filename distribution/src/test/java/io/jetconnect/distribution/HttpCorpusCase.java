package io.jetconnect.distribution;

import io.jetconnect.plugins.http.CorpusBodies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP case of the bad-input corpus, a directory under {@code corpus/http/}:
 * <ul>
 *   <li>{@code headers.txt}: one {@code Name: value} a line, sent as they are and in that order. Lines naming
 *       {@code X-Corpus-*} are directives, not sent: {@code X-Corpus-Pipeline} (default {@code ingest}),
 *       {@code X-Corpus-Method} (default {@code POST}), {@code X-Corpus-Half-Close: true} (shut the socket's output
 *       once the body is written), {@code X-Corpus-Raw-Body: true} (send the body as it is even when chunked),
 *       {@code X-Corpus-Timeout} (seconds to wait for the answer, default 30). {@code Host} and
 *       {@code Connection: close} are added, and {@code Content-Length} unless the file sets it or
 *       {@code Transfer-Encoding} (then the body is framed as 4 KiB chunks).</li>
 *   <li>{@code body.bin}: the body's exact bytes; or {@code generate.txt}: {@code generate: KIND N} for bodies too
 *       large or too odd to keep in the repository (see {@link CorpusBodies#generate}).</li>
 *   <li>{@code expect.txt}: {@code status}, optional {@code index}, {@code error-contains} (repeatable),
 *       {@code lands} ({@code none} or how many messages the request adds to the stream), {@code known-bug}.</li>
 * </ul>
 */
record HttpCorpusCase(String name, Path dir, String method, String pipeline, List<String> headerLines, byte[] body,
                      boolean halfClose, Duration timeout, CorpusSpec expect) {

    static HttpCorpusCase load(Path dir) {
        String name = dir.getFileName().toString();
        List<String> lines = new ArrayList<>();
        String method = "POST";
        String pipeline = "ingest";
        boolean halfClose = false;
        boolean rawBody = false;
        Duration timeout = Duration.ofSeconds(30);
        try {
            Path headers = dir.resolve("headers.txt");
            for (String line : Files.exists(headers) ? Files.readAllLines(headers, StandardCharsets.UTF_8)
                    : List.<String>of()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String key = colon < 0 ? line : line.substring(0, colon).trim();
                String value = colon < 0 ? "" : line.substring(colon + 1).trim();
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "x-corpus-pipeline" -> pipeline = value;
                    case "x-corpus-method" -> method = value;
                    case "x-corpus-half-close" -> halfClose = Boolean.parseBoolean(value);
                    case "x-corpus-raw-body" -> rawBody = Boolean.parseBoolean(value);
                    case "x-corpus-timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value));
                    default -> lines.add(line);
                }
            }
            byte[] body;
            Path bin = dir.resolve("body.bin");
            Path generate = dir.resolve("generate.txt");
            if (Files.exists(bin)) {
                body = Files.readAllBytes(bin);
            } else if (Files.exists(generate)) {
                String[] spec = CorpusSpec.read(generate).require("generate").trim().split("\\s+");
                body = CorpusBodies.generate(spec[0], Integer.parseInt(spec[1]), name);
            } else {
                body = new byte[0];
            }
            boolean chunked = lines.stream().anyMatch(l -> l.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")
                    && l.toLowerCase(Locale.ROOT).contains("chunked"));
            if (chunked && !rawBody) {
                body = RawHttp.chunked(body, 4096);
            }
            return new HttpCorpusCase(name, dir, method, pipeline, lines, body, halfClose, timeout,
                    CorpusSpec.read(dir.resolve("expect.txt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the whole request: request line, headers as written plus the defaults, body */
    byte[] request(int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 512);
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append("/v1/pipelines/").append(pipeline).append("/events HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        boolean hasLength = false;
        for (String line : headerLines) {
            String lower = line.toLowerCase(Locale.ROOT);
            hasLength |= lower.startsWith("content-length:") || lower.startsWith("transfer-encoding:");
            head.append(line).append("\r\n");
        }
        if (!hasLength && (body.length > 0 || method.equals("POST"))) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        // Header values are bytes on the wire: ISO-8859-1 keeps any byte a case writes.
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }
}
