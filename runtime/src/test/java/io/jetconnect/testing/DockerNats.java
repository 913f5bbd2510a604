package io.jetconnect.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/** The Testcontainers fallback of {@link NatsServerExtension}: the official {@code nats} image with JetStream. */
final class DockerNats {

    private DockerNats() {
    }

    static boolean available() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource")
    static NatsServer start() {
        GenericContainer<?> container = new GenericContainer<>("nats:2.10")
                .withCommand("-js")
                .withExposedPorts(4222)
                .waitingFor(Wait.forLogMessage(".*Server is ready.*", 1));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
        return NatsServer.external("nats://" + container.getHost() + ":" + container.getMappedPort(4222));
    }
}
