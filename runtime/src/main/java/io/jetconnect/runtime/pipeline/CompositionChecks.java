package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.plugin.ExtensionKind;
import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.StreamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hazards in how a chain is composed, reported as {@code FILE:LINE: warning: ...} (errors with
 * {@code jetconnect.strict = true}): a decorator that changes events inside a signing one, a persisting one outside
 * a redacting one, and a spill in front of a JetStream sink whose duplicate window a long outage can outlast.
 */
final class CompositionChecks {

    private CompositionChecks() {
    }

    private static DecoratorTraits traits(ResolvedElement element) {
        return element.type().extensionClass().getAnnotation(DecoratorTraits.class);
    }

    private static boolean changes(ResolvedElement e) {
        DecoratorTraits t = traits(e);
        return t == null || t.changesEvents();
    }

    private static boolean signs(ResolvedElement e) {
        DecoratorTraits t = traits(e);
        return t != null && t.signs();
    }

    private static boolean redacts(ResolvedElement e) {
        DecoratorTraits t = traits(e);
        return t != null && t.redacts();
    }

    static boolean persists(ResolvedElement e) {
        DecoratorTraits t = traits(e);
        return t != null && t.persists();
    }

    /** @return the warnings for one pipeline, in chain order */
    static List<String> check(ResolvedPipeline pipeline, Map<String, StreamSpec> streams) {
        List<String> warnings = new ArrayList<>();
        List<ResolvedElement> chain = pipeline.sinks();
        for (int i = 0; i < chain.size(); i++) {
            ResolvedElement outer = chain.get(i);
            if (outer.type().kind() != ExtensionKind.DECORATOR) {
                continue;
            }
            for (int j = i + 1; j < chain.size(); j++) {
                ResolvedElement inner = chain.get(j);
                if (inner.type().kind() != ExtensionKind.DECORATOR) {
                    continue;
                }
                if (signs(outer) && changes(inner) && !signs(inner)) {
                    warnings.add(inner.spec().where() + ": warning: '" + inner.type().name() + "' changes events "
                            + "inside '" + outer.type().name() + "' (" + pipeline.name() + "): the published event "
                            + "would not match its signature; put it before '" + outer.type().name() + "' in sinks");
                }
                if (persists(outer) && redacts(inner)) {
                    warnings.add(outer.spec().where() + ": warning: '" + outer.type().name() + "' writes events to "
                            + "disk outside '" + inner.type().name() + "' (" + pipeline.name() + "): secrets would "
                            + "reach the disk; put '" + inner.type().name() + "' before it in sinks");
                }
            }
        }
        ResolvedElement terminal = chain.get(chain.size() - 1);
        for (ResolvedElement element : chain) {
            if (element.type().kind() == ExtensionKind.DECORATOR && persists(element)
                    && terminal.config().hasPath("stream")) {
                String ref = terminal.config().getString("stream");
                StreamSpec stream = streams.get(ref);
                String window = stream == null ? "its duplicate window" : "its duplicate-window of "
                        + io.jetconnect.runtime.config.DurationText.of(stream.duplicateWindow());
                warnings.add(element.spec().where() + ": warning: '" + element.type().name() + "' spills events for "
                        + "'" + terminal.type().name() + "' (" + pipeline.name() + "): an event spilled for longer "
                        + "than " + window + " is re-published without Nats-Msg-Id deduplication, so a broker outage "
                        + "longer than that can store an event twice (see docs/reliability.md)");
            }
        }
        return warnings;
    }
}
