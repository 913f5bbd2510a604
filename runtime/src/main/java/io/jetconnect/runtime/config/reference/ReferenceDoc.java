package io.jetconnect.runtime.config.reference;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes {@code docs/configuration-reference.md} from the sources: the runtime's {@code reference.conf} and every
 * plugin's ({@code plugins/NAME/src/main/resources/reference.conf}, and the example plugin's). {@code
 * ReferenceDocTest} regenerates it in every build and fails when the committed page differs.
 */
public final class ReferenceDoc {

    /** The page, relative to the repository's root. */
    public static final String PAGE = "docs/configuration-reference.md";
    /** How to regenerate the page; {@code ReferenceDocTest} prints it when the page is stale. */
    public static final String REGENERATE = "./mvnw -q -o test -pl runtime -am -Dtest=ReferenceDocTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dreference.write=true";

    private ReferenceDoc() {
    }

    /** Writes the page under {@code args[0]} (the repository's root; default: the working directory). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Files.writeString(root.resolve(PAGE), markdown(root), StandardCharsets.UTF_8);
    }

    /** @return the page, generated from the reference.conf files under the repository's {@code root} */
    public static String markdown(Path root) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n");
        out.append("<!-- Generated from every reference.conf by ReferenceDoc; do not edit. Regenerate with:\n     ")
                .append(REGENERATE).append(" -->\n\n");
        out.append("Every key of the runtime and of each built-in plugin, with its type, its default and the comment "
                + "above it in the\n`reference.conf` that also validates `pipeline.conf`. [configuration](configuration.md) "
                + "explains how they fit\ntogether; `bin/jetconnect check --explain TYPE` prints one plugin type's keys "
                + "from the installed plugins.\n");
        Config runtime = parse(root.resolve("runtime/src/main/resources/reference.conf"));
        out.append("\n## The runtime (`jetconnect`)\n\n");
        table(out, ConfigKeys.of(runtime.getConfig("jetconnect")), "jetconnect.");
        List<Path> plugins = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root.resolve("plugins"))) {
            dirs.map(d -> d.resolve("src/main/resources/reference.conf")).filter(Files::isRegularFile).sorted()
                    .forEach(plugins::add);
        }
        Path example = root.resolve("examples/plugin-example/src/main/resources/reference.conf");
        if (Files.isRegularFile(example)) {
            plugins.add(example);
        }
        for (Path file : plugins) {
            String plugin = root.relativize(file).getName(1).toString();
            boolean isExample = file.startsWith(root.resolve("examples"));
            Config reference = parse(file);
            for (Map.Entry<String, ConfigValue> type : types(reference)) {
                out.append("\n## `").append(type.getKey()).append("` (").append(isExample ? "example " : "")
                        .append("plugin `").append(plugin).append("`)\n\n");
                String doc = String.join(" ", type.getValue().origin().comments().stream().map(String::strip)
                        .toList()).strip();
                if (!doc.isEmpty()) {
                    out.append(doc).append("\n\n");
                }
                List<ConfigKey> keys = ConfigKeys.of(((ConfigObject) type.getValue()).toConfig());
                if (keys.isEmpty()) {
                    out.append("No settings.\n");
                } else {
                    table(out, keys, "");
                }
            }
        }
        return out.toString();
    }

    private static Config parse(Path file) {
        return ConfigFactory.parseFile(file.toFile()).resolve();
    }

    /** @return the top-level blocks of a plugin's reference.conf (one per type name), in file order */
    static List<Map.Entry<String, ConfigValue>> types(Config reference) {
        List<Map.Entry<String, ConfigValue>> types = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : reference.root().entrySet()) {
            if (e.getValue().valueType() == ConfigValueType.OBJECT) {
                types.add(e);
            }
        }
        types.sort(Comparator.comparingInt(e -> e.getValue().origin().lineNumber()));
        return types;
    }

    private static void table(StringBuilder out, List<ConfigKey> keys, String prefix) {
        out.append("| key | type | default | description |\n|---|---|---|---|\n");
        for (ConfigKey key : keys) {
            out.append("| `").append(prefix).append(key.path()).append("` | ").append(key.type()).append(" | ")
                    .append(key.defaultValue().equals("(unset)") ? "(unset)" : "`" + cell(key.defaultValue()) + "`")
                    .append(" | ").append(cell(key.doc())).append(" |\n");
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
