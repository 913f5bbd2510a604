package io.jetconnect.runtime.plugin;

import io.jetconnect.spi.CliCommand;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.EventSource;
import io.jetconnect.spi.SinkDecorator;

/** The extension points of the SPI, as {@code jetconnect plugins} names them. */
public enum ExtensionKind {
    SOURCE("source", EventSource.class),
    DECORATOR("decorator", SinkDecorator.class),
    SINK("sink", EventSink.class),
    COMMAND("command", CliCommand.class);

    private final String label;
    private final Class<?> type;

    ExtensionKind(String label, Class<?> type) {
        this.label = label;
        this.type = type;
    }

    public String label() {
        return label;
    }

    public Class<?> type() {
        return type;
    }

    /** @return the kind a class implements, or null */
    static ExtensionKind of(Class<?> cls) {
        for (ExtensionKind kind : values()) {
            if (kind.type.isAssignableFrom(cls)) {
                return kind;
            }
        }
        return null;
    }
}
