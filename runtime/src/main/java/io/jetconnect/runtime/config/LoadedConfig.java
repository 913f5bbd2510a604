package io.jetconnect.runtime.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code pipeline.conf} that parsed and passed the runtime's own checks (plugin blocks are checked later,
 * against the loaded plugins).
 *
 * @param file the file it came from
 * @param root the whole resolved configuration, over the runtime's defaults
 * @param settings the runtime's settings
 * @param pipelines the pipelines, in declaration order
 */
public record LoadedConfig(Path file, Config root, RuntimeSettings settings, List<PipelineSpec> pipelines) {

    public LoadedConfig {
        pipelines = List.copyOf(pipelines);
    }
}
