package io.jetconnect.runtime.pipeline;

/** Where a pipeline is in its life; exported as {@code jetconnect_pipeline_state} (the code). */
public enum PipelineState {
    STARTING(0),
    RUNNING(1),
    STOPPING(2),
    STOPPED(3),
    FAILED(4),
    PAUSED(5);

    private final int code;

    PipelineState(int code) {
        this.code = code;
    }

    /** @return the value of the {@code jetconnect_pipeline_state} gauge */
    public int code() {
        return code;
    }
}
