package io.jetconnect.plugins.http;

import io.jetconnect.spi.EventSource;
import io.jetconnect.spi.SourceContext;
import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;

/**
 * The {@code http} source: takes CloudEvents on the runtime's listener at {@code POST /v1/pipelines/{name}/events}
 * in the three content modes of the CloudEvents HTTP binding (structured, batch, binary) and answers
 * {@code 202 {"accepted": n}} only once every event of the request is durably handled by the chain.
 *
 * <p>Status codes: {@code 400} for a request with any invalid event (nothing is emitted), {@code 413} for a body or
 * batch over the configured limits, {@code 401} without valid credentials and {@code 403} for an event of a tenant
 * they may not write when {@code auth.mode} asks for them ({@link IngestAuth}), {@code 415} for a body that is no
 * CloudEvent, {@code 422} when the chain refuses an event for good, {@code 503} with {@code Retry-After} when it cannot take events now or the pipeline is
 * stopping, {@code 500} for anything else. Settings and defaults: this plugin's {@code reference.conf}.
 */
@Extension
@TypeName("http")
public final class HttpSource implements EventSource {

    @Override
    public void validate(io.jetconnect.spi.ConnectorConfig config) {
        HttpSourceSettings.from(config);
    }

    private volatile IngressEndpoint endpoint;

    @Override
    public void start(SourceContext context) {
        IngressEndpoint created = new IngressEndpoint(context, HttpSourceSettings.from(context.config()));
        endpoint = created;
        context.registerIngress(created);
    }

    @Override
    public void stop() {
        IngressEndpoint current = endpoint;
        if (current != null) {
            current.close();
        }
    }
}
