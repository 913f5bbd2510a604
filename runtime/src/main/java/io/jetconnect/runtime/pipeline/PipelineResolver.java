package io.jetconnect.runtime.pipeline;

import com.typesafe.config.Config;
import io.jetconnect.runtime.config.BlockChecker;
import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.ElementSpec;
import io.jetconnect.runtime.config.HoconConnectorConfig;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineSpec;
import io.jetconnect.runtime.plugin.ExtensionKind;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Matches every element of every pipeline to a loaded plugin type and checks its block against the plugin's
 * {@code reference.conf} (unknown keys, wrong types), and the shape of each chain: decorators first, exactly one
 * terminal sink, last. Collects every problem before failing, so that {@code check} prints them all.
 */
public final class PipelineResolver {

    private final PluginRegistry registry;
    private final List<String> warnings = new ArrayList<>();
    private java.nio.file.Path baseDir;
    private java.util.Map<String, io.jetconnect.spi.StreamSpec> streams = java.util.Map.of();

    public PipelineResolver(PluginRegistry registry) {
        this.registry = registry;
    }

    /**
     * Resolves every pipeline and runs the composition checks.
     *
     * @return the pipelines and the warnings
     * @throws ConfigProblems listing every problem (and the warnings too, with {@code jetconnect.strict})
     */
    public Resolution resolveWithWarnings(LoadedConfig config) {
        warnings.clear();
        List<ResolvedPipeline> pipelines = resolve(config);
        List<String> warnings = new ArrayList<>(this.warnings);
        List<String> acknowledged = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ResolvedPipeline pipeline : pipelines) {
            Set<String> accepted = CompositionChecks.acknowledged(pipeline, problems);
            CompositionChecks.Outcome outcome = CompositionChecks.check(pipeline, config.settings().streams(),
                    accepted);
            warnings.addAll(outcome.warnings());
            acknowledged.addAll(outcome.acknowledged());
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        if (config.settings().strict() && !warnings.isEmpty()) {
            List<String> errors = new ArrayList<>();
            for (String w : warnings) {
                errors.add(w.replaceFirst(": warning: ", ": error (jetconnect.strict): "));
            }
            throw new ConfigProblems(errors);
        }
        return new Resolution(pipelines, warnings, acknowledged);
    }

    /**
     * The outcome of {@link #resolveWithWarnings}.
     *
     * @param pipelines the resolved pipelines
     * @param warnings composition warnings, as {@code FILE:LINE: warning: ...}
     * @param acknowledged the hazards pipelines accept with {@code acknowledge = [...]}, as
     *     {@code FILE:LINE: acknowledged (NAME): ...}: worth an INFO line, not a warning
     */
    public record Resolution(List<ResolvedPipeline> pipelines, List<String> warnings, List<String> acknowledged) {
    }

    /**
     * @return the resolved pipelines, in declaration order
     * @throws ConfigProblems listing every problem
     */
    public List<ResolvedPipeline> resolve(LoadedConfig config) {
        List<String> problems = new ArrayList<>();
        List<ResolvedPipeline> out = new ArrayList<>();
        baseDir = config.file().toAbsolutePath().normalize().getParent();
        streams = config.settings().streams();
        for (PipelineSpec pipeline : config.pipelines()) {
            int before = problems.size();
            ResolvedElement source = element(pipeline.source(), ExtensionKind.SOURCE, problems);
            List<ResolvedElement> sinks = new ArrayList<>();
            int last = pipeline.sinks().size() - 1;
            for (int i = 0; i <= last; i++) {
                ElementSpec spec = pipeline.sinks().get(i);
                PluginType type = registry.type(spec.type());
                if (type != null && type.kind() == ExtensionKind.SINK && i != last) {
                    problems.add(spec.where() + ": Invalid value at '" + spec.path() + "': '" + spec.type()
                            + "' is a terminal sink and must be the last element of sinks; elements after it ("
                            + describe(pipeline.sinks().subList(i + 1, last + 1)) + ") would never see an event");
                    continue;
                }
                ExtensionKind expected = i == last ? ExtensionKind.SINK : ExtensionKind.DECORATOR;
                ResolvedElement element = element(spec, expected, problems);
                if (element != null) {
                    sinks.add(element);
                }
            }
            if (problems.size() == before) {
                out.add(new ResolvedPipeline(pipeline, source, sinks));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        return out;
    }

    /** The extension's own check of settings that can never work ({@code validate}), on a fresh instance. */
    private void validate(PluginType type, HoconConnectorConfig config) {
        Object instance = registry.create(type, Object.class);
        PluginRegistry.runWithLoaderOf(type, () -> {
            if (instance instanceof io.jetconnect.spi.EventSink sink) {
                sink.validate(config);
            } else if (instance instanceof io.jetconnect.spi.SinkDecorator decorator) {
                decorator.validate(config);
            } else if (instance instanceof io.jetconnect.spi.EventSource source) {
                source.validate(config);
            }
        });
    }

    private static String describe(List<ElementSpec> specs) {
        List<String> names = new ArrayList<>();
        for (ElementSpec spec : specs) {
            names.add(spec.type());
        }
        return String.join(", ", names);
    }

    private ResolvedElement element(ElementSpec spec, ExtensionKind expected, List<String> problems) {
        java.util.Optional<String> conflict = registry.conflict(spec.type());
        if (conflict.isPresent()) {
            problems.add(spec.where() + ": Invalid value at '" + spec.path() + ".type': type '" + spec.type()
                    + "' is ambiguous: " + conflict.get() + "; remove the plugin you do not want from plugins-dir");
            return null;
        }
        PluginType type = registry.type(spec.type());
        if (type == null) {
            Set<String> known = registry.names(expected);
            problems.add(spec.where() + ": Invalid value at '" + spec.path() + ".type': no plugin provides a "
                    + expected.label() + " named '" + spec.type() + "'"
                    + (known.isEmpty() ? " (no " + expected.label() + " is loaded: check jetconnect.plugins-dir)"
                    : "; available: " + String.join(", ", known)));
            return null;
        }
        if (type.kind() != expected) {
            String why = expected == ExtensionKind.SINK
                    ? "the last element of sinks must be a terminal sink, such as jetstream"
                    : "expected a " + expected.label();
            problems.add(spec.where() + ": Invalid value at '" + spec.path() + ".type': '" + spec.type()
                    + "' is a " + type.kind().label() + "; " + why);
            return null;
        }
        Config block = spec.block().withoutPath("type");
        List<String> found = BlockChecker.check(block, type.reference(), spec.path(), Set.of());
        if (!found.isEmpty()) {
            problems.addAll(found);
            return null;
        }
        HoconConnectorConfig config = new HoconConnectorConfig(block.withFallback(type.reference()).resolve(),
                spec.path(), spec.origin(), baseDir);
        try {
            validate(type, config);
        } catch (io.jetconnect.spi.ConfigurationException e) {
            problems.add(e.getMessage());
            return null;
        } catch (RuntimeException | LinkageError e) {
            // Not a configuration problem: the plugin itself is broken. The pipeline will fail when it starts and
            // the others run; check says so as a warning.
            warnings.add(spec.where() + ": warning: the " + type.kind().label() + " '" + spec.type()
                    + "' could not check its settings (" + e + "); its pipeline will fail to start");
        }
        String misspelt = streamReference(spec);
        if (misspelt != null) {
            problems.add(misspelt);
            return null;
        }
        return new ResolvedElement(spec, type, config);
    }

    /**
     * A {@code stream} that names no declared stream (by key or name) is a stream that must already exist on the
     * broker; one a letter or two away from a declared one is a typo, refused here rather than by a pipeline
     * that fails after start. Others get a warning that {@code check --connect} verifies them.
     *
     * @return the problem, or null
     */
    private String streamReference(ElementSpec spec) {
        Config block = spec.block();
        if (!block.hasPath("stream") || block.getValue("stream").valueType()
                != com.typesafe.config.ConfigValueType.STRING) {
            return null;
        }
        String ref = block.getString("stream").trim();
        java.util.Set<String> known = new java.util.TreeSet<>();
        for (io.jetconnect.spi.StreamSpec s : streams.values()) {
            known.add(s.key());
            known.add(s.name());
        }
        if (ref.isEmpty() || known.contains(ref)) {
            return null;
        }
        String where = io.jetconnect.runtime.config.ConfigErrors.where(block.getValue("stream").origin());
        String close = io.jetconnect.runtime.config.BlockChecker.closest(ref, known);
        if (close == null) {
            for (String k : known) {
                if (k.equalsIgnoreCase(ref)) {
                    close = k;
                }
            }
        }
        if (close != null) {
            return where + ": Invalid value at '" + spec.path() + ".stream': '" + ref + "' is not declared in "
                    + "jetconnect.streams (did you mean '" + close + "'?); declared: " + String.join(", ", known);
        }
        warnings.add(where + ": warning: '" + spec.path() + ".stream' = '" + ref + "' is not declared in "
                + "jetconnect.streams" + (known.isEmpty() ? "" : " (declared: " + String.join(", ", known) + ")")
                + ": it must already exist on the broker (check --connect verifies)");
        return null;
    }
}
