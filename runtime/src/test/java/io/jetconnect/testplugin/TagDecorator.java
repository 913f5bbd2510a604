package io.jetconnect.testplugin;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.SinkDecorator;
import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;

/**
 * A decorator for runtime tests: appends its {@code tag} to the event's {@code path} extension, and registers
 * {@code {"tag": <tag>}} as its status.
 */
@Extension
@TypeName("tag")
public final class TagDecorator implements SinkDecorator {

    @Override
    public EventSink decorate(SinkContext context, EventSink next) {
        String tag = context.config().getString("tag");
        context.registerStatus(() -> java.util.Map.of("tag", tag));
        return event -> {
            Object before = event.getExtension("path");
            String path = before == null ? tag : before + "/" + tag;
            return next.emit(CloudEventBuilder.from(event).withExtension("path", path).build());
        };
    }
}
