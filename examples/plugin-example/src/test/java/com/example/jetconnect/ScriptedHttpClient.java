package com.example.jetconnect;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An HTTP client whose requests are answered when a test says so, on the test's thread: for schedules of answers a
 * real server cannot reproduce. Records the {@code ce-id} of each request in the order sent, and every request
 * sent while another was still unanswered.
 */
final class ScriptedHttpClient extends HttpClient {

    final List<String> sent = new ArrayList<>();
    final List<String> overlapping = new ArrayList<>();
    private String outstanding;
    private CompletableFuture<HttpResponse<Void>> answer;

    /** @return the ce-id of the request waiting for its answer, or null */
    String outstanding() {
        return outstanding;
    }

    /** Answers the outstanding request with a status. */
    void answer(int status) {
        take().complete(new Response(status));
    }

    /** Fails the outstanding request as a connection error would. */
    void refuse() {
        take().completeExceptionally(new IOException("connection refused"));
    }

    private CompletableFuture<HttpResponse<Void>> take() {
        CompletableFuture<HttpResponse<Void>> pending = answer;
        outstanding = null;
        answer = null;
        return pending;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                            HttpResponse.BodyHandler<T> handler) {
        String id = request.headers().firstValue("ce-id").orElse("?");
        if (outstanding != null) {
            overlapping.add(id);
        }
        sent.add(id);
        outstanding = id;
        answer = new CompletableFuture<>();
        return (CompletableFuture<HttpResponse<T>>) (CompletableFuture<?>) answer;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        throw new UnsupportedOperationException("the poster sends asynchronously");
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
        return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
        return null;
    }

    @Override
    public SSLParameters sslParameters() {
        return null;
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    @Override
    public Version version() {
        return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
        return Optional.empty();
    }

    /** An answer with a status and no headers or body. */
    private record Response(int statusCode) implements HttpResponse<Void> {
        @Override
        public HttpRequest request() {
            return null;
        }

        @Override
        public Optional<HttpResponse<Void>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return HttpHeaders.of(Map.of(), (name, value) -> true);
        }

        @Override
        public Void body() {
            return null;
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return null;
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }
    }
}
