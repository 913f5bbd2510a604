package io.jetconnect.runtime.http;

import io.jetconnect.spi.IngressRequest;
import io.vertx.core.http.HttpServerRequest;
import java.io.InputStream;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An {@link IngressRequest} over a Vert.x request; headers and certificates are copied on the event loop. */
final class VertxIngressRequest implements IngressRequest {

    private final String method;
    private final String path;
    private final Map<String, List<String>> headers;
    private final List<X509Certificate> peerCertificates;
    private final IngestBody body;

    VertxIngressRequest(HttpServerRequest request, String path, IngestBody body) {
        this.method = request.method().name().toUpperCase(Locale.ROOT);
        this.path = path;
        this.body = body;
        Map<String, List<String>> out = new LinkedHashMap<>();
        request.headers().forEach(e -> out.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>()).add(e.getValue()));
        out.replaceAll((k, v) -> List.copyOf(v));
        this.headers = Collections.unmodifiableMap(out);
        this.peerCertificates = peerCertificates(request);
    }

    /** The chain the TLS layer verified, leaf first; empty without a client certificate. */
    private static List<X509Certificate> peerCertificates(HttpServerRequest request) {
        if (!request.isSSL()) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : request.connection().peerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return List.copyOf(chain);
        } catch (javax.net.ssl.SSLPeerUnverifiedException | RuntimeException unverified) {
            return List.of();
        }
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public long contentLength() {
        List<String> values = headers.get("content-length");
        if (values == null || values.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(values.get(0).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }
}
