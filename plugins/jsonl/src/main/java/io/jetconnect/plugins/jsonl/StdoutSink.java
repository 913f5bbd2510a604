package io.jetconnect.plugins.jsonl;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.TypeName;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * The {@code stdout} sink: prints each event as one line of CloudEvents JSON (structured mode) to standard output,
 * flushed at once, and completes. Lines of concurrent emitters never interleave. For trying pipelines out; it
 * writes on the emitting thread, so a standard output that blocks (a full pipe) slows the source down.
 */
@Extension
@TypeName("stdout")
public final class StdoutSink implements EventSink {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

    private final EventLines lines = new EventLines();
    private PrintStream out = System.out;
    private PluginMetrics.Counter printed;

    @Override
    public void open(SinkContext context) {
        out = System.out;
        printed = context.metrics().counter("jetconnect.sink.events", "Events handed to the sink, by outcome",
                "sink", "stdout", "outcome", "written");
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return lines.encodeTo(event, "print", this::print);
    }

    private CompletionStage<Void> print(byte[] line) {
        synchronized (out) {
            out.write(line, 0, line.length);
            out.flush();
        }
        if (printed != null) {
            printed.increment();
        }
        return DONE;
    }
}
