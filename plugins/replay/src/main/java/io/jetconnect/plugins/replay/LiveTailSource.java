package io.jetconnect.plugins.replay;

import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;

/**
 * The {@code live-tail} source: emits the CloudEvents published to a JetStream stream after it starts, or from its
 * stored cursor + 1 when there is one, so that a restart misses nothing. The same reader as {@code replay} with
 * {@code start = latest} and {@code then = live-tail}; its settings are a subset of replay's (see this plugin's
 * {@code reference.conf}).
 */
@Extension
@TypeName("live-tail")
public final class LiveTailSource extends StreamSource {

    public LiveTailSource() {
        super(ReplaySettings::liveTail);
    }
}
