package io.jetconnect.runtime.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The listener's TLS from {@code jetconnect.http.tls}: PEM files read into memory (so that a reload reads them
 * again rather than trusting a cache keyed by path) and handed to Vert.x, at bind and on every reload.
 */
final class TlsFiles {

    private final HttpSettings.Tls settings;

    TlsFiles(HttpSettings.Tls settings) {
        this.settings = settings;
    }

    /** Puts the current files into a server's options; throws if they cannot be read. */
    void apply(HttpServerOptions options) {
        try {
            options.setKeyCertOptions(keyCert());
            if (settings.caFile().isPresent()) {
                options.setTrustOptions(trust());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        options.setClientAuth(clientAuth());
        // BoringSSL (netty-tcnative, shipped for linux-x86_64) where it loads; the JDK's engine elsewhere. Measured
        // on the bench's https row: see docs/performance.md.
        if (OPENSSL) {
            options.setSslEngineOptions(new io.vertx.core.net.OpenSSLEngineOptions());
        }
    }

    /** Whether the listener's TLS runs on OpenSSL (BoringSSL) rather than the JDK's engine. */
    static final boolean OPENSSL = io.vertx.core.net.OpenSSLEngineOptions.isAvailable();

    /** @return the TLS engine, for the start-up line */
    static String engine() {
        return OPENSSL ? "OpenSSL (BoringSSL)" : "JDK";
    }

    /** Reads the files again and gives them to a running server; new connections use them. */
    void reload(HttpServer server) throws IOException {
        ServerSSLOptions options = new ServerSSLOptions().setKeyCertOptions(keyCert()).setClientAuth(clientAuth());
        if (settings.caFile().isPresent()) {
            options.setTrustOptions(trust());
        }
        try {
            server.updateSSLOptions(options, true).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("jetconnect.http.tls: the certificate or key cannot be used: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reloading the TLS files");
        } catch (TimeoutException e) {
            throw new IOException("reloading the TLS files took over 30s");
        }
    }

    String describe() {
        return settings.certFile() + ", " + settings.keyFile()
                + settings.caFile().map(ca -> ", " + ca).orElse("");
    }

    private PemKeyCertOptions keyCert() throws IOException {
        return new PemKeyCertOptions().setCertValue(read(settings.certFile(), "cert-file"))
                .setKeyValue(read(settings.keyFile(), "key-file"));
    }

    private PemTrustOptions trust() throws IOException {
        return new PemTrustOptions().addCertValue(read(settings.caFile().get(), "ca-file"));
    }

    private ClientAuth clientAuth() {
        return switch (settings.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case REQUEST -> ClientAuth.REQUEST;
            case REQUIRE -> ClientAuth.REQUIRED;
        };
    }

    private static Buffer read(Path file, String key) throws IOException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (!new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN ")) {
                throw new IOException("jetconnect.http.tls." + key + ": " + file + " holds no PEM block");
            }
            return Buffer.buffer(bytes);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("jetconnect.http.tls." + key + ": no such file " + file);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("jetconnect.http.tls." + key + ": cannot read " + file + " (permission denied)");
        }
    }
}
