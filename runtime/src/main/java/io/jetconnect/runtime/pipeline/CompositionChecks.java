package io.jetconnect.runtime.pipeline;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.jetconnect.runtime.config.ConfigErrors;
import io.jetconnect.runtime.plugin.ExtensionKind;
import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.StreamSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hazards in how a chain is composed, reported as {@code FILE:LINE: warning: ...} (errors with
 * {@code jetconnect.strict = true}): a decorator that changes events inside a signing one, a persisting one outside
 * a redacting one, and a spill in front of a JetStream sink whose duplicate window a long outage can outlast.
 *
 * <p>Each hazard has a name; a pipeline that takes one on purpose lists it in {@code acknowledge = [...]}, and the
 * warning is then logged at INFO as acknowledged instead: a hazard the operator has read about should not cost a WARN
 * on every start, nor make {@code strict} unusable.
 */
final class CompositionChecks {

    /** A decorator that changes events sits inside a signing one. */
    static final String CHANGES_INSIDE_SIGN = "changes-inside-sign";
    /** A persisting decorator sits outside a redacting one. */
    static final String PERSISTS_BEFORE_REDACT = "persists-before-redact";
    /** A spill in front of a sink that deduplicates within a window. */
    static final String DLQ_BEFORE_JETSTREAM = "dlq-before-jetstream";
    static final Set<String> NAMES = Set.of(CHANGES_INSIDE_SIGN, PERSISTS_BEFORE_REDACT, DLQ_BEFORE_JETSTREAM);

    private CompositionChecks() {
    }

    /** One hazard found in a chain. */
    record Finding(String name, String text) {

        String warning() {
            return text + " [" + name + "; to accept it, add acknowledge = [" + name + "] to the pipeline]";
        }
    }

    /** The hazards of one pipeline, split by whether the pipeline acknowledges them. */
    record Outcome(List<String> warnings, List<String> acknowledged) {
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

    /**
     * Reads a pipeline's {@code acknowledge} list.
     *
     * @param problems receives {@code FILE:LINE:} problems: not a list of strings, or a name no check has
     * @return the names acknowledged
     */
    static Set<String> acknowledged(ResolvedPipeline pipeline, List<String> problems) {
        Set<String> names = new LinkedHashSet<>();
        ConfigValue value = pipeline.spec().block().root().get("acknowledge");
        if (value == null) {
            return names;
        }
        String path = "jetconnect.pipelines." + pipeline.name() + ".acknowledge";
        if (value.valueType() != ConfigValueType.LIST) {
            problems.add(ConfigErrors.where(value.origin()) + ": Invalid value at '" + path + "': a list of warning "
                    + "names is expected, such as [" + DLQ_BEFORE_JETSTREAM + "]");
            return names;
        }
        for (ConfigValue item : (ConfigList) value) {
            Object name = item.unwrapped();
            if (item.valueType() != ConfigValueType.STRING || !NAMES.contains(name)) {
                problems.add(ConfigErrors.where(item.origin()) + ": Invalid value at '" + path + "': '" + name
                        + "' is not a composition warning; known: " + String.join(", ", new java.util.TreeSet<>(NAMES)));
            } else {
                names.add((String) name);
            }
        }
        return names;
    }

    /** @return the hazards of one pipeline, in chain order, split by what its {@code acknowledge} list accepts */
    static Outcome check(ResolvedPipeline pipeline, Map<String, StreamSpec> streams, Set<String> acknowledge) {
        List<String> warnings = new ArrayList<>();
        List<String> acknowledged = new ArrayList<>();
        for (Finding finding : findings(pipeline, streams)) {
            if (acknowledge.contains(finding.name())) {
                acknowledged.add(finding.text().replaceFirst(": warning: ", ": acknowledged (" + finding.name()
                        + "): "));
            } else {
                warnings.add(finding.warning());
            }
        }
        return new Outcome(warnings, acknowledged);
    }

    static List<Finding> findings(ResolvedPipeline pipeline, Map<String, StreamSpec> streams) {
        List<Finding> warnings = new ArrayList<>();
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
                    warnings.add(new Finding(CHANGES_INSIDE_SIGN, inner.spec().where() + ": warning: '"
                            + inner.type().name() + "' changes events inside '" + outer.type().name() + "' ("
                            + pipeline.name() + "): the published event would not match its signature; put it "
                            + "before '" + outer.type().name() + "' in sinks"));
                }
                if (persists(outer) && redacts(inner)) {
                    warnings.add(new Finding(PERSISTS_BEFORE_REDACT, outer.spec().where() + ": warning: '"
                            + outer.type().name() + "' writes events to disk outside '" + inner.type().name() + "' ("
                            + pipeline.name() + "): secrets would reach the disk; put '" + inner.type().name()
                            + "' before it in sinks"));
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
                warnings.add(new Finding(DLQ_BEFORE_JETSTREAM, element.spec().where() + ": warning: '"
                        + element.type().name() + "' spills events for '" + terminal.type().name() + "' ("
                        + pipeline.name() + "): an event spilled for longer than " + window + " is re-published "
                        + "without Nats-Msg-Id deduplication, so a broker outage longer than that can store an event "
                        + "twice (see docs/reliability.md)"));
            }
        }
        return warnings;
    }
}
