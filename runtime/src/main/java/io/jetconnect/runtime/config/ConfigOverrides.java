package io.jetconnect.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.Properties;
import java.util.Set;

/**
 * Overrides of {@code pipeline.conf} from outside the file, for containers and service managers: environment
 * variables in Typesafe Config's {@code CONFIG_FORCE_} convention ({@code CONFIG_FORCE_jetconnect_http_port=9000};
 * {@code _} is a dot, {@code __} a dash, {@code ___} an underscore) and {@code -Djetconnect.http.port=9000}
 * system properties, which win over the environment. Only keys under {@code jetconnect} are taken; the properties
 * the launcher itself sets ({@code jetconnect.home}, {@code jetconnect.log.*}) are not configuration.
 */
final class ConfigOverrides {

    private static final Set<String> NOT_CONFIG = Set.of("jetconnect.home", "jetconnect.dist.home");
    private static final String NOT_CONFIG_PREFIX = "jetconnect.log.";

    private ConfigOverrides() {
    }

    /** @return the overrides of this process, system properties over environment variables */
    public static Config fromEnvironmentAndProperties() {
        return fromProperties(System.getProperties())
                .withFallback(onlyJetconnect(ConfigFactory.systemEnvironmentOverrides()));
    }

    /** @return the {@code jetconnect.*} entries of these properties, as configuration */
    static Config fromProperties(Properties all) {
        Properties ours = new Properties();
        for (String name : all.stringPropertyNames()) {
            if (name.startsWith("jetconnect.") && !NOT_CONFIG.contains(name) && !name.startsWith(NOT_CONFIG_PREFIX)) {
                ours.setProperty(name, all.getProperty(name));
            }
        }
        return ConfigFactory.parseProperties(ours,
                ConfigParseOptions.defaults().setOriginDescription("system property (-D)"));
    }

    private static Config onlyJetconnect(Config config) {
        return config.hasPath("jetconnect") ? config.withOnlyPath("jetconnect") : ConfigFactory.empty();
    }
}
