package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.config.ElementSpec;
import io.jetconnect.runtime.config.HoconConnectorConfig;
import io.jetconnect.runtime.plugin.PluginType;

/**
 * An element of a pipeline matched to the plugin type that provides it, with its configuration over the
 * plugin's defaults.
 *
 * @param spec the element as written
 * @param type the plugin type
 * @param config its configuration
 */
public record ResolvedElement(ElementSpec spec, PluginType type, HoconConnectorConfig config) {
}
