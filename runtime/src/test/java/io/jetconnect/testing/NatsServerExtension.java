package io.jetconnect.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class one real NATS server, as a {@link NatsServer} parameter:
 * <ol>
 *   <li>the server at {@code NATS_URL} when that is set;</li>
 *   <li>else {@code nats-server -js} from PATH, spawned on a free port with a temporary store;</li>
 *   <li>else Testcontainers' {@code nats} image when a Docker engine answers (kill and restart unsupported);</li>
 *   <li>else it fails, saying what to install, rather than hiding a missing server behind a skipped test.</li>
 * </ol>
 */
public final class NatsServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NatsServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("server", create());
    }

    /** @return a server as described in the class comment */
    public static NatsServer create() {
        String url = System.getenv("NATS_URL");
        if (url != null && !url.isBlank()) {
            return NatsServer.external(url);
        }
        if (NatsServer.onPath()) {
            return NatsServer.spawn();
        }
        if (DockerNats.available()) {
            return DockerNats.start();
        }
        throw new IllegalStateException("These tests need a real NATS server: install nats-server "
                + "(apt-get install nats-server) or set NATS_URL to a server with JetStream enabled");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        NatsServer server = context.getStore(NS).remove("server", NatsServer.class);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == NatsServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return extension.getStore(NS).get("server", NatsServer.class);
    }
}
