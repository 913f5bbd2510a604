package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.ForwardingSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.SinkDecorator;
import io.jetconnect.spi.TypeName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs every event with HMAC-SHA256 or Ed25519: the layer adds {@code sigalg}, {@code sigkeyid} and {@code sig}
 * (base64url, no padding) over the event's canonical bytes (docs/signing.md) and hands the copy to the next sink,
 * passing its outcome through. An event whose canonical form cannot be built (an extension named like a context
 * attribute, or of a type outside the CloudEvents type system) fails permanently.
 *
 * <p>Keys are read once, at {@link #decorate}; a key file accessible by group or others is logged as a warning.
 * Expensive signatures (Ed25519) are computed on threads of the layer's own ({@code threads}), see
 * {@link ParallelSigningSink}.
 * Counts {@code jetconnect.sign.events}.
 */
@Extension
@TypeName("sign")
@DecoratorTraits(changesEvents = false, signs = true)
public final class SignDecorator implements SinkDecorator {

    private static final Logger LOG = LoggerFactory.getLogger(SignDecorator.class);

    @Override
    public EventSink decorate(SinkContext context, EventSink next) {
        SignSettings settings = SignSettings.load(context.config());
        for (String warning : settings.warnings()) {
            LOG.warn("pipeline {}: {}", context.pipelineName(), warning);
        }
        PluginMetrics.Counter signed = context.metrics().counter("jetconnect.sign.events", "Events signed");
        LOG.info("pipeline {}: signing with key {} ({}) on {}; {} key(s) configured", context.pipelineName(),
                settings.signer().key().id(), settings.signer().key().algorithm(),
                settings.threads() == 0 ? "the emitting thread" : settings.threads() + " thread(s)",
                settings.ring().size());
        if (settings.threads() == 0) {
            return new SigningSink(settings.signer(), signed, next);
        }
        ExecutorService workers = Executors.newFixedThreadPool(settings.threads(), context.threadFactory("sign"));
        return new ParallelSigningSink(settings.signer(), signed, next, workers, settings.maxQueued(),
                settings.retryAfter());
    }

    /** The layer: stateless apart from the key, so thread-safe. */
    static final class SigningSink extends ForwardingSink {

        private final EventSigner signer;
        private final PluginMetrics.Counter signed;

        /** Signing adds attributes only: the next sink's key of the unsigned event is that of the signed one. */
        SigningSink(EventSigner signer, PluginMetrics.Counter signed, EventSink next) {
            super(next);
            this.signer = signer;
            this.signed = signed;
        }

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            CloudEvent copy;
            try {
                copy = signer.sign(event);
            } catch (JetconnectException e) {
                return CompletableFuture.failedFuture(e);
            }
            signed.increment();
            return next().emit(copy);
        }

        @Override
        public String toString() {
            return "SigningSink[" + signer + "]";
        }
    }
}
