package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.JetconnectException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sinks of one pipeline reported about themselves after {@code open} ({@code SinkContext.waiting},
 * {@code available}, {@code failed}): whether one waits for its broker, and why. A pipeline that runs while a sink
 * waits is shown as {@link PipelineState#WAITING}. When the sink is available again, the pipeline's {@code drain}
 * actions run, so that a spill drains at once. Thread-safe: sinks report from their own threads.
 */
final class SinkStatus {

    private static final Logger LOG = LoggerFactory.getLogger(SinkStatus.class);

    private final String pipeline;
    private final AdminActions actions;
    private final Consumer<JetconnectException> onFailure;
    private volatile String waitingFor;

    /**
     * @param pipeline the pipeline's name
     * @param actions the registered operator actions, whose {@code drain} ones run on {@link #available}
     * @param onFailure what a sink's report of a problem that needs a person does to the pipeline
     */
    SinkStatus(String pipeline, AdminActions actions, Consumer<JetconnectException> onFailure) {
        this.pipeline = pipeline;
        this.actions = actions;
        this.onFailure = onFailure;
    }

    /** @return what a sink waits for, if one waits */
    Optional<String> waitingFor() {
        return Optional.ofNullable(waitingFor);
    }

    void waiting(String reason) {
        waitingFor = reason;
        LOG.warn("pipeline {} waiting: {}", pipeline, reason);
    }

    void available() {
        boolean was = waitingFor != null;
        waitingFor = null;
        if (was) {
            LOG.info("pipeline {}: the sink takes events; draining what was spilled", pipeline);
        }
        actions.runAll(pipeline, "drain");
    }

    void failed(JetconnectException cause) {
        waitingFor = null;
        onFailure.accept(cause);
    }
}
