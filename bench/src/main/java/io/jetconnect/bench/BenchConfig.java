package io.jetconnect.bench;

import com.typesafe.config.ConfigUtil;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import io.jetconnect.runtime.pipeline.PipelineResolver;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.runtime.plugin.PluginRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the {@code pipeline.conf} of each case into the bench's working directory and reads it back through the
 * runtime's own {@link PipelineConfigLoader} and {@link PipelineResolver}, so that every element is checked against
 * its plugin's {@code reference.conf} and built with its defaults, as {@code jetconnect run} would.
 */
final class BenchConfig {

    /** The chains the cases build, outermost first, as a user would write them. */
    static final String REDACT = "{ type = redact }";
    static final String DLQ = "{ type = dlq }";

    private final Path dir;
    private final Path pluginsDir;
    private final Path dataDir;

    BenchConfig(Path dir, Path pluginsDir) {
        this.dir = dir;
        this.pluginsDir = pluginsDir;
        this.dataDir = dir.resolve("data");
    }

    Path dataDir() {
        return dataDir;
    }

    /** @return a {@code sign} element with its key file */
    static String sign(String algorithm, Path keyFile) {
        return "{ type = sign, algorithm = " + algorithm + ", key-file = " + quote(keyFile.toString()) + " }";
    }

    /** @return a {@code dlq} element with extra settings */
    static String dlq(String settings) {
        return "{ type = dlq, " + settings + " }";
    }

    /** @return a {@code jetstream} element publishing to a declared stream with one subject per tenant */
    static String jetstream(String streamKey, String subjectPrefix, int maxInFlight, String extra) {
        return "{ type = jetstream, stream = " + streamKey + ", subject = " + quote(subjectPrefix + ".{tenantId}.v1")
                + ", max-in-flight = " + maxInFlight + (extra.isEmpty() ? "" : ", " + extra) + " }";
    }

    /** @return a file stream declaration under {@code jetconnect.streams} */
    static String stream(String key, String name, String subjectPrefix) {
        return key + " { name = " + name + ", subjects = [" + quote(subjectPrefix + ".>") + "], storage = file, "
                + "duplicate-window = 2m, replicas = 1 }";
    }

    /** @return the folder the bench's files are written to */
    Path dir() {
        return dir;
    }

    /** @return a pipeline declaration under {@code jetconnect.pipelines} */
    static String pipeline(String name, String source, List<String> sinks) {
        return name + " {\n    source " + source + "\n    sinks = [\n      " + String.join("\n      ", sinks)
                + "\n    ]\n  }";
    }

    /**
     * Writes {@code <name>.conf} and loads it.
     *
     * @param natsUrl the server the pipelines publish to
     * @param streams stream declarations ({@link #stream})
     * @param pipelines pipeline declarations ({@link #pipeline})
     */
    LoadedConfig load(String name, String natsUrl, List<String> streams, List<String> pipelines) throws IOException {
        return load(name, natsUrl, streams, pipelines, "");
    }

    /** As {@link #load(String, String, List, List)}, with more settings in the {@code http} block. */
    LoadedConfig load(String name, String natsUrl, List<String> streams, List<String> pipelines, String http)
            throws IOException {
        String text = "# Written by jetconnect bench.\n"
                + "jetconnect {\n"
                + "  plugins-dir = " + quote(pluginsDir.toString()) + "\n"
                + "  data-dir = " + quote(dataDir.resolve(name).toString()) + "\n"
                + "  http { host = 127.0.0.1, port = 0" + (http.isEmpty() ? "" : ", " + http) + " }\n"
                + "  nats { url = " + quote(natsUrl) + ", embedded = off, connection-name = jetconnect-bench }\n"
                + "  streams {\n    " + String.join("\n    ", streams) + "\n  }\n"
                + "  pipelines {\n  " + String.join("\n  ", pipelines) + "\n  }\n"
                + "}\n";
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return new PipelineConfigLoader().load(file);
    }

    /** @return the pipeline of that name, resolved against the loaded plugins */
    static ResolvedPipeline resolve(LoadedConfig config, PluginRegistry plugins, String pipeline) {
        return new PipelineResolver(plugins).resolveWithWarnings(config).pipelines().stream()
                .filter(p -> p.name().equals(pipeline)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no pipeline " + pipeline + " in " + config.file()));
    }

    static String quote(String s) {
        return ConfigUtil.quoteString(s);
    }
}
