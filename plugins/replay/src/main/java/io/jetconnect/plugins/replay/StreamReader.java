package io.jetconnect.plugins.replay;

import io.jetconnect.spi.SourceContext;

/**
 * The running part of the {@code replay} and {@code live-tail} sources, which differ only in their settings: the
 * loop of the current start, with its status registered for the admin API.
 */
final class StreamReader {

    private volatile ReplayLoop loop;

    void start(SourceContext context, ReplaySettings settings) {
        ReplayLoop created = new ReplayLoop(context, settings);
        loop = created;
        ReaderStatus.register(context, settings, created);
        created.start();
    }

    void stop() {
        ReplayLoop current = loop;
        if (current != null) {
            current.stop();
        }
    }
}
