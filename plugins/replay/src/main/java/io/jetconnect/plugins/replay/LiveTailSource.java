package io.jetconnect.plugins.replay;

import io.jetconnect.spi.EventSource;
import io.jetconnect.spi.SourceContext;
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
public final class LiveTailSource implements EventSource {

    private final StreamReader reader = new StreamReader();

    /** What {@code open} would refuse in the block ({@code stream} missing, bad values), so that check refuses it. */
    @Override
    public void validate(io.jetconnect.spi.ConnectorConfig config) {
        ReplaySettings.liveTail(config, io.jetconnect.spi.StreamSpec::undeclared);
    }

    @Override
    public void start(SourceContext context) {
        reader.start(context, ReplaySettings.liveTail(context));
    }

    @Override
    public void stop() {
        reader.stop();
    }
}
