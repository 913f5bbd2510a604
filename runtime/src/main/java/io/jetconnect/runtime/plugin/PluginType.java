package io.jetconnect.runtime.plugin;

import com.typesafe.config.Config;

/**
 * One type name provided by a loaded plugin.
 *
 * @param name the type name
 * @param kind which extension point it implements
 * @param pluginId the plugin that provides it
 * @param extensionClass the class, loaded by the plugin's class loader
 * @param reference its defaults from the plugin's {@code reference.conf}; empty when it has none
 */
public record PluginType(String name, ExtensionKind kind, String pluginId, Class<?> extensionClass,
                         Config reference) {
}
