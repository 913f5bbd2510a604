package io.jetconnect.spi;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request routed to an {@link IngressHandler}. Not thread-safe: read it on the thread that received it.
 */
public interface IngressRequest {

    /** @return the method, upper-case */
    String method();

    /** @return the request path, without the query */
    String path();

    /**
     * @return every header, names lower-case, in order of arrival
     */
    Map<String, List<String>> headers();

    /**
     * @param name a header name, any case
     * @return the first value of that header
     */
    default Optional<String> header(String name) {
        List<String> values = headers().get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** @return the declared body length, or -1 if unknown (chunked) */
    long contentLength();

    /** @return the body, readable once; the handler need not close it */
    InputStream body();

    /**
     * @return the TLS client certificate chain the listener verified, leaf first; empty without mutual TLS
     * @since 0.2
     */
    default java.util.List<java.security.cert.X509Certificate> peerCertificates() {
        return java.util.List.of();
    }
}
