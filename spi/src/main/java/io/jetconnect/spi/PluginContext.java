package io.jetconnect.spi;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the runtime gives every extension instance: its configuration, metrics, storage and the shared NATS
 * settings. Implemented by the runtime; plugins never implement it (except in unit tests).
 *
 * <p>All methods are thread-safe and return non-null values.
 */
public interface PluginContext {

    /** @return the name of the pipeline this instance belongs to, a key of {@code jetconnect.pipelines} */
    String pipelineName();

    /** @return the type name of this extension, as in {@link TypeName} */
    String typeName();

    /**
     * @return this extension's block of {@code pipeline.conf} merged over the defaults of its plugin's
     *     {@code reference.conf}, already checked for unknown keys and wrong types
     */
    ConnectorConfig config();

    /** @return metrics that carry the {@code pipeline} label and are removed when the pipeline stops */
    PluginMetrics metrics();

    /**
     * @return a directory reserved for this pipeline's state under {@code jetconnect.data-dir}, created on
     *     first call; extensions create their own sub-directory in it
     */
    Path dataDir();

    /** @return how to reach NATS ({@code jetconnect.nats}), with the embedded server's URL if one runs */
    NatsSettings nats();

    /** @return every stream declared in {@code jetconnect.streams}, by key, in declaration order */
    Map<String, StreamSpec> streams();

    /**
     * Resolves a stream reference as {@code pipeline.conf} allows it: a key of {@code jetconnect.streams} or,
     * failing that, the name of a stream.
     *
     * @param keyOrName the reference; not null
     * @return the declared stream, or an undeclared spec carrying only the name
     */
    default StreamSpec stream(String keyOrName) {
        StreamSpec byKey = streams().get(keyOrName);
        if (byKey != null) {
            return byKey;
        }
        for (StreamSpec spec : streams().values()) {
            if (spec.name().equals(keyOrName)) {
                return spec;
            }
        }
        return StreamSpec.undeclared(keyOrName);
    }
}
