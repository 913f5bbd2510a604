package io.jetconnect.plugins.replay;

import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.EventSource;
import io.jetconnect.spi.SourceContext;
import io.jetconnect.spi.StreamSpec;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A source that reads a stream with a {@link StreamReader}: {@code replay} and {@code live-tail} differ only in how
 * their block is read into {@link ReplaySettings}.
 */
abstract class StreamSource implements EventSource {

    private final StreamReader reader = new StreamReader();
    private final BiFunction<ConnectorConfig, Function<String, StreamSpec>, ReplaySettings> settings;

    /** @param settings reads a block, given a lookup of its {@code stream} reference */
    StreamSource(BiFunction<ConnectorConfig, Function<String, StreamSpec>, ReplaySettings> settings) {
        this.settings = settings;
    }

    /** What {@code open} would refuse in the block ({@code stream} missing, bad values), so that check refuses it. */
    @Override
    public void validate(ConnectorConfig config) {
        settings.apply(config, StreamSpec::undeclared);
    }

    /** With a cursor, two copies would each deliver the stream once: a fleet runs it on one worker. */
    @Override
    public boolean runsOnce(ConnectorConfig config) {
        return !"none".equals(config.getString("cursor"));
    }

    @Override
    public void start(SourceContext context) {
        reader.start(context, settings.apply(context.config(), context::stream));
    }

    @Override
    public void stop() {
        reader.stop();
    }
}
