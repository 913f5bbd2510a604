package io.jetconnect.plugins.jsonl;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.TypeName;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * The {@code jsonl} sink, the development mirror: appends each event as one line of CloudEvents JSON (structured
 * mode) to a file, rotated by size, and completes its stage once the line is written (and forced to the disk, with
 * {@code fsync = true}). One writer thread writes what has queued up as a batch. Lines of one emitting thread keep
 * their order. Settings and defaults: this plugin's {@code reference.conf}.
 *
 * <p>Meters: {@code jetconnect.sink.events{sink=jsonl,outcome=written|failed}}.
 */
@Extension
@TypeName("jsonl")
public final class JsonlSink implements EventSink {

    private final EventLines lines = new EventLines();
    private GroupCommitWriter writer;

    @Override
    public void open(SinkContext context) {
        JsonlSettings settings = JsonlSettings.from(context);
        PluginMetrics metrics = context.metrics();
        String name = "jetconnect.sink.events";
        String help = "Events handed to the sink, by outcome";
        PluginMetrics.Counter written = metrics.counter(name, help, "sink", "jsonl", "outcome", "written");
        PluginMetrics.Counter failed = metrics.counter(name, help, "sink", "jsonl", "outcome", "failed");
        writer = new GroupCommitWriter(
                new RotatingFile(settings.path(), settings.maxFileBytes(), settings.maxFiles(), settings.fsync()),
                context.threadFactory("jsonl"), written::increment, failed::increment);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return lines.encodeTo(event, "write", writer::append);
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
