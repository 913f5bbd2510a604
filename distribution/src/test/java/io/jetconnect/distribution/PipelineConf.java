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

    /** @return the 1-based number of the first line of {@code text} that contains {@code part}: where errors point */
    public static int lineOf(String text, String part) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(part)) {
                return i + 1;
            }
        }
        throw new AssertionError("'" + part + "' is not in:\n" + text);
    }
}
