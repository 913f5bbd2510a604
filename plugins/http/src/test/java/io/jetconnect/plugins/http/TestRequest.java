package io.jetconnect.plugins.http;

import io.jetconnect.spi.IngressRequest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An {@link IngressRequest} built in a test: headers, a body and its declared length. */
final class TestRequest implements IngressRequest {

    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private InputStream body = InputStream.nullInputStream();
    private long contentLength;
    private List<java.security.cert.X509Certificate> peerCertificates = List.of();

    static TestRequest structured(String json) {
        return new TestRequest().header("Content-Type", "application/cloudevents+json").body(json);
    }

    static TestRequest batch(String json) {
        return new TestRequest().header("Content-Type", "application/cloudevents-batch+json").body(json);
    }

    static TestRequest binary(String contentType, String body) {
        TestRequest request = new TestRequest()
                .header("ce-specversion", "1.0")
                .header("ce-id", "b-1")
                .header("ce-source", "/test")
                .header("ce-type", "com.example.binary")
                .body(body);
        return contentType == null ? request : request.header("Content-Type", contentType);
    }

    /** Adds a header value; names are stored lower-case, as the runtime hands them over. */
    TestRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
        return this;
    }

    /** The client certificate chain, leaf first, as a listener with mutual TLS hands it over. */
    TestRequest peerCertificates(java.security.cert.X509Certificate... chain) {
        this.peerCertificates = List.of(chain);
        return this;
    }

    @Override
    public List<java.security.cert.X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    TestRequest withoutHeader(String name) {
        headers.remove(name.toLowerCase(Locale.ROOT));
        return this;
    }

    TestRequest body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    TestRequest body(byte[] bytes) {
        this.body = new ByteArrayInputStream(bytes);
        this.contentLength = bytes.length;
        return this;
    }

    /** A body whose length is not declared, as with chunked transfer coding. */
    TestRequest chunked(InputStream stream) {
        this.body = stream;
        this.contentLength = -1;
        return this;
    }

    TestRequest declaredLength(long length, InputStream stream) {
        this.body = stream;
        this.contentLength = length;
        return this;
    }

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public String path() {
        return "/v1/pipelines/test/events";
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    @Override
    public InputStream body() {
        return body;
    }
}
