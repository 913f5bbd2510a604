package io.jetconnect.runtime.pipeline;

/**
 * Where a pipeline is in its life; exported as {@code jetconnect_pipeline_state} (the code). {@link #WAITING}: it
 * runs (or retries its start) but waits for something that comes back by itself, such as its NATS server; a
 * {@code dlq} in its chain takes events meanwhile, otherwise ingest answers 503 with {@code Retry-After}.
 * {@link #FAILED} is kept for what needs a person (a configuration error, a stream it cannot use).
 * {@link #STANDBY}: a run-once pipeline of a fleet worker that does not hold its lease; its chain is built, its
 * source does not run.
 */
public enum PipelineState {
    STARTING(0),
    RUNNING(1),
    STOPPING(2),
    STOPPED(3),
    FAILED(4),
    PAUSED(5),
    WAITING(6),
    STANDBY(7);

    private final int code;

    PipelineState(int code) {
        this.code = code;
    }

    /** @return the value of the {@code jetconnect_pipeline_state} gauge */
    public int code() {
        return code;
    }
}
