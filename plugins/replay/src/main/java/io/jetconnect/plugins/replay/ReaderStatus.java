package io.jetconnect.plugins.replay;

import io.jetconnect.spi.SourceContext;
import java.util.Map;

/**
 * The status a {@code replay} or {@code live-tail} source gives the admin API: the stream it reads, the key its
 * cursor is stored under (what {@code PUT /v1/pipelines/{name}/cursor} sets when no key is given), the cursor and
 * the lag, as the reader's gauges read them. After a stop (a pause) it shows the position where the reader stopped.
 */
final class ReaderStatus {

    private ReaderStatus() {
    }

    static void register(SourceContext context, ReplaySettings settings, ReplayLoop loop) {
        context.registerStatus(() -> Map.of(
                "stream", settings.streamName(),
                "cursorKey", settings.cursorKey(),
                "durable", settings.isDurable(),
                "cursor", loop.cursor(),
                "lagEvents", loop.lag()));
    }
}
