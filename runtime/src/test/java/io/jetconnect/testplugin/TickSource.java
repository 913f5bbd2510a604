package io.jetconnect.testplugin;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.spi.EventSource;
import io.jetconnect.spi.SourceContext;
import io.jetconnect.spi.TypeName;
import java.net.URI;
import org.pf4j.Extension;

/** A source for runtime tests: emits {@code count} events when it starts, on the starting thread. */
@Extension
@TypeName("tick")
public final class TickSource implements EventSource {

    /** {@code once = true}: a source a fleet must run on one worker (a stand-in for a replay with a cursor). */
    @Override
    public boolean runsOnce(io.jetconnect.spi.ConnectorConfig config) {
        return config.hasPath("once") && config.getBoolean("once");
    }

    @Override
    public void start(SourceContext context) {
        int count = context.config().getInt("count");
        for (int i = 0; i < count; i++) {
            context.chain().emit(CloudEventBuilder.v1().withId("tick-" + i).withSource(URI.create("/tick"))
                    .withType("test.tick").build());
        }
    }

    @Override
    public void stop() {
    }
}
