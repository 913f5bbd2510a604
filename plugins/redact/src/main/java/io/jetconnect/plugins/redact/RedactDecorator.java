package io.jetconnect.plugins.redact;

import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.SinkDecorator;
import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code redact} decorator: removes secrets from events before the sinks it wraps publish them or write them
 * to disk. Put it first in a pipeline's {@code sinks}.
 *
 * <ul>
 *   <li><b>JSON data</b> ({@code application/json}, {@code text/json}, any {@code +json} type, or no content
 *       type and data that opens an object, an array or a string): values whose field name is in {@code fields}
 *       (at any depth, ignoring case, {@code -} and {@code _}) or that lie at one of the JSON Pointers of
 *       {@code paths} are replaced whole; spans of string values that match one of {@code patterns} are replaced.
 *       Null values are left alone.</li>
 *   <li><b>Extension attributes</b>: replaced whole when their name is in {@code fields}; string and URI values
 *       have their {@code patterns} matches replaced (the attribute then becomes a string). The required
 *       attributes {@code id}, {@code source}, {@code type} and {@code specversion} are never touched.</li>
 *   <li><b>Other data</b> passes through unchanged and is counted in {@code jetconnect.redact.skipped}
 *       ({@code reason=non-json}).</li>
 *   <li><b>Malformed JSON</b>: data that claims to be JSON but does not parse or has trailing content, or that
 *       has something to redact and repeats a key, fails the event permanently, and is counted in
 *       {@code jetconnect.redact.rejected} ({@code reason=malformed}). Passing it on would ship whatever
 *       secrets it holds unredacted.</li>
 * </ul>
 *
 * A replaced value becomes {@code replacement}, or, with {@code hash-key-file}, {@code hmac-sha256:} and the hex
 * HMAC-SHA256 of the value under the file's key. Values redacted are counted in {@code jetconnect.redact.values}.
 * An event with nothing to redact is passed on as the very same instance; redacting twice changes nothing more.
 */
@Extension
@TypeName("redact")
@DecoratorTraits(changesEvents = true, redacts = true)
public final class RedactDecorator implements SinkDecorator {

    /** Compiles the patterns and reads the hash key, as {@link #decorate} would. */
    @Override
    public void validate(io.jetconnect.spi.ConnectorConfig config) {
        RedactRules.from(config);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RedactDecorator.class);

    @Override
    public EventSink decorate(SinkContext context, EventSink next) {
        RedactRules rules = RedactRules.from(context.config());
        LOG.info("pipeline '{}': redact at position {}: {}", context.pipelineName(), context.position(), rules);
        return new RedactingSink(rules, next, context.metrics());
    }
}
