package io.jetconnect.runtime.plugin;

import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader that takes the host's packages from the host, whatever the plugin bundles: the SPI,
 * PF4J, SLF4J, the CloudEvents SDK, Jackson, the NATS binding ({@code jetconnect-nats}), jnats and picocli (for the
 * arguments of a plugin's verb, so that its {@code --help} reads like the built-in verbs'), which plugins
 * compile against with scope {@code provided}, as Kafka Connect's {@code PluginUtils} keeps the Kafka client the
 * host's. Two copies of those would make the same class name two types, and
 * an extension compiled against the SPI would no longer be an {@code EventSink} to the runtime. Everything else
 * loads plugin-first, so a plugin may bundle its own version of any other library (Kafka Connect's
 * {@code PluginUtils.EXCLUDE} is the same idea). When the host lacks a class of those packages (a CloudEvents
 * module the runtime does not ship) the plugin's copy is used.
 */
final class HostFirstClassLoader extends PluginClassLoader {

    static final List<String> HOST_PACKAGES = List.of(
            "io.jetconnect.spi.",
            "org.pf4j.",
            "org.slf4j.",
            "io.cloudevents.",
            "com.fasterxml.jackson.",
            "io.jetconnect.nats.",
            "io.nats.",
            "picocli.");

    HostFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    static boolean isHostClass(String name) {
        for (String prefix : HOST_PACKAGES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Class<?> loadClass(String name) throws ClassNotFoundException {
        if (isHostClass(name)) {
            // Parent-first without taking this loader's lock: the parent synchronises itself, and holding our
            // lock while it loads could deadlock with a thread loading plugin classes the other way round.
            try {
                return getParent().loadClass(name);
            } catch (ClassNotFoundException notInHost) {
                return super.loadClass(name);
            }
        }
        return super.loadClass(name);
    }
}
