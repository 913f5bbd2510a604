package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.IngressHandler;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The ingress handlers that sources registered, by pipeline name; the HTTP listener routes to them. */
public final class IngressRoutes {

    private final Map<String, IngressHandler> handlers = new ConcurrentHashMap<>();

    void register(String pipeline, IngressHandler handler) {
        handlers.put(pipeline, handler);
    }

    void remove(String pipeline) {
        handlers.remove(pipeline);
    }

    /** @return the handler of a pipeline, if its source registered one */
    public Optional<IngressHandler> handler(String pipeline) {
        return Optional.ofNullable(handlers.get(pipeline));
    }
}
