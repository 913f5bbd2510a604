package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What every pipeline shares: the plugins, the runtime's settings, the meter registry and the ingress routes.
 *
 * @param plugins the loaded plugins
 * @param settings the runtime's settings (with the embedded server's URL, if one runs)
 * @param meters where metrics go
 * @param ingress the HTTP ingress routes
 * @param actions the operator actions extensions offer
 * @param statuses the statuses extensions register, for the admin API
 */
public record PipelineEnvironment(PluginRegistry plugins, RuntimeSettings settings, MeterRegistry meters,
                                  IngressRoutes ingress, AdminActions actions, ElementStatuses statuses) {

    /** An environment whose statuses nobody reads (bench, tests). */
    public PipelineEnvironment(PluginRegistry plugins, RuntimeSettings settings, MeterRegistry meters,
                               IngressRoutes ingress, AdminActions actions) {
        this(plugins, settings, meters, ingress, actions, new ElementStatuses());
    }
}
