package io.jetconnect.plugins.replay;

import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;

/**
 * The {@code replay} source: reads a JetStream stream from a position and emits its CloudEvents to the chain in
 * stream order, then stops ({@code then = stop}) or keeps tailing on the same consumer ({@code then = live-tail}),
 * so that the handover from the drain to the tail neither loses nor repeats an event.
 *
 * <p>A stored cursor wins over {@code start}: a restart resumes at the cursor + 1. The cursor moves only over
 * events the chain has handled, with none unhandled before them, and is stored in batches (every 200 ms, every
 * {@code max-in-flight / 2} handled events and on stop), so a crash repeats at most 1.5 x {@code max-in-flight}
 * events. A position the stream's retention has removed
 * is a gap: logged, counted in {@code jetconnect_source_gap_events_total}, then failed or skipped as {@code on-gap}
 * says. With {@code durable} set, a durable consumer with explicit acks is the position and several runtimes share
 * its work. Settings, defaults and their meaning: this plugin's {@code reference.conf}.
 */
@Extension
@TypeName("replay")
public final class ReplaySource extends StreamSource {

    public ReplaySource() {
        super(ReplaySettings::replay);
    }
}
