package io.jetconnect.runtime.pipeline;

/**
 * What a running pipeline's chain did since it was built, counted by the runtime itself (the in-flight gate and
 * the terminal layer's {@link CountingSink}), whatever the plugins name their meters. A restart starts from 0, a
 * pause does not.
 *
 * @param handled events the source emitted and the chain completed normally (durably handled)
 * @param stored events the terminal sink completed normally: stored or written
 * @param failed events the terminal sink failed retriably (backpressure, circuit open, retries exhausted)
 * @param rejected events the terminal sink failed permanently
 */
public record ChainCounts(long handled, long stored, long failed, long rejected) {

    /** Before the chain is built, or after it closed. */
    public static final ChainCounts NONE = new ChainCounts(0, 0, 0, 0);
}
