package io.jetconnect.runtime.plugin;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded plugin.
 *
 * @param id its PF4J id
 * @param version its version
 * @param path where it was loaded from
 * @param types the type names it provides
 */
public record PluginInfo(String id, String version, Path path, List<PluginType> types) {

    public PluginInfo {
        types = List.copyOf(types);
    }
}
