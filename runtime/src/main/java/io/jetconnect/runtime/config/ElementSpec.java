package io.jetconnect.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;

/**
 * One element of a pipeline as written in {@code pipeline.conf}: its source or one entry of its {@code sinks}.
 *
 * @param type the type name
 * @param block the element's block as written, without defaults (the {@code type} key included)
 * @param path its path from the root, such as {@code jetconnect.pipelines.ingest.sinks[1]}
 * @param origin where it was written
 */
public record ElementSpec(String type, Config block, String path, ConfigOrigin origin) {

    /** @return {@code FILE:LINE} of the element */
    public String where() {
        return ConfigErrors.where(origin);
    }
}
