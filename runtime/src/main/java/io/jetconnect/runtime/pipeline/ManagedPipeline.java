package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.CursorStore;
import java.util.List;
import java.util.Optional;

/**
 * What the admin API reads and drives of one pipeline ({@link Pipeline}); an interface so that its routes can be
 * tested against a fake. Every method is safe to call from any thread.
 */
public interface ManagedPipeline {

    String name();

    /** @return its state now */
    PipelineState state();

    /** @return why it failed, if it did */
    Optional<String> lastError();

    /** @return what it waits for, while it is {@link PipelineState#WAITING} */
    Optional<String> waitingFor();

    /** @return the type name of its source */
    String sourceType();

    /** @return the type names of its sinks, outermost first */
    List<String> chain();

    /** @return events emitted by the source and not yet completed */
    long inFlight();

    /** @return what its chain did since it was built */
    ChainCounts counts();

    /** @return its cursor store, or null before it started */
    CursorStore cursors();

    /** @return whether it was running and is now paused */
    boolean pause();

    /** @return whether it was paused and is now running */
    boolean resume();

    /**
     * Sets a cursor of its source, only while it is paused: checked and written under the lock a resume takes, so no
     * source starts between the check and the write (and then stores over the reset).
     *
     * @return whether it was paused and the cursor is written; false, writing nothing, when it is not paused
     * @throws IllegalArgumentException for a key the store cannot hold
     * @throws io.jetconnect.spi.RetriableException when the store cannot be written now
     * @throws IllegalStateException when it has no cursor store yet
     */
    boolean setCursor(String key, long position);
}
