package io.jetconnect.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import io.jetconnect.spi.IngressRequest;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An {@link IngressRequest} over the JDK server's exchange. */
final class ExchangeRequest implements IngressRequest {

    private final HttpExchange exchange;
    private Map<String, List<String>> headers;

    ExchangeRequest(HttpExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public String method() {
        return exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    }

    @Override
    public String path() {
        return exchange.getRequestURI().getPath();
    }

    @Override
    public Map<String, List<String>> headers() {
        if (headers == null) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            headers = java.util.Collections.unmodifiableMap(out);
        }
        return headers;
    }

    @Override
    public long contentLength() {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private volatile boolean bodyRead;

    /**
     * @return whether the handler read the body to its end: to end of stream, or all of a declared
     *     {@code Content-Length} (a reader that takes exactly that many bytes never sees end of stream, and its
     *     request must not be answered 408 while its events are still on their way)
     */
    boolean bodyRead() {
        return bodyRead;
    }

    @Override
    public InputStream body() {
        long declared = contentLength();
        return new java.io.FilterInputStream(exchange.getRequestBody()) {
            private long remaining = declared;

            @Override
            public int read() throws java.io.IOException {
                int b = super.read();
                counted(b < 0 ? -1 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
                int n = super.read(buffer, offset, length);
                counted(n);
                return n;
            }

            private void counted(int n) {
                if (n < 0) {
                    bodyRead = true;
                } else if (declared >= 0) {
                    remaining -= n;
                    if (remaining <= 0) {
                        bodyRead = true;
                    }
                }
            }
        };
    }
}
