package io.jetconnect.runtime.config;

import java.time.Duration;

/** A configured duration in messages, as {@code pipeline.conf} would write it. */
public final class DurationText {

    private DurationText() {
    }

    /** @return {@code 10s}, or {@code 250ms} where whole seconds would round (a sub-second timeout is not "0s") */
    public static String of(Duration d) {
        return d.toNanosPart() == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
