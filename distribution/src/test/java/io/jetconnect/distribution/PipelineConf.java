package io.jetconnect.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code pipeline.conf} the end-to-end tests write for a runtime on loopback and a nats-server of their own. */
public final class PipelineConf {

    private PipelineConf() {
    }

    /** Writes {@link #text} to {@code file}. */
    public static Path write(Path file, Object dataDir, int httpPort, String natsUrl, String body) throws IOException {
        return Files.writeString(file, text(dataDir, httpPort, natsUrl, body));
    }

    /**
     * @return a {@code jetconnect} block with {@code data-dir}, the HTTP listener on 127.0.0.1 at {@code httpPort}
     *     and the nats-server at {@code natsUrl} (not the embedded one), then {@code body} (streams, pipelines and
     *     the rest) as it is
     */
    public static String text(Object dataDir, int httpPort, String natsUrl, String body) {
        return """
                jetconnect {
                  data-dir = "%s"
                  http { host = 127.0.0.1, port = %d }
                  nats { url = "%s", embedded = off }
                %s}
                """.formatted(dataDir, httpPort, natsUrl, body.indent(2));
    }
}
