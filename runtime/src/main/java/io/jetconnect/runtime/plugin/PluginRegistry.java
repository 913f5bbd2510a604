package io.jetconnect.runtime.plugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.TypeName;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins loaded from {@code jetconnect.plugins-dir} and the type names they provide. A plugin that cannot be
 * loaded (broken descriptor, unreadable jar, an extension class that fails to load, a type name without
 * {@link TypeName}, a name provided twice) is skipped with a problem line; the others load.
 */
public final class PluginRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final JetconnectPluginManager manager;
    private final Map<String, PluginType> types = new LinkedHashMap<>();
    private final List<PluginInfo> plugins = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Set<String> indexed = new java.util.HashSet<>();
    private final Map<String, String> conflicts = new LinkedHashMap<>();
    private final Set<String> logged = new java.util.HashSet<>();
    private final Path pluginsDir;

    private PluginRegistry(JetconnectPluginManager manager, Path pluginsDir) {
        this.manager = manager;
        this.pluginsDir = pluginsDir;
    }

    /**
     * Loads and starts every plugin in a directory.
     *
     * @param pluginsDir the directory; a missing one is a problem, not an exception
     * @return the registry
     */
    public static PluginRegistry load(Path pluginsDir) {
        JetconnectPluginManager manager = new JetconnectPluginManager(pluginsDir);
        PluginRegistry registry = new PluginRegistry(manager, pluginsDir);
        if (!Files.isDirectory(pluginsDir)) {
            registry.problems.add(pluginsDir + ": plugins directory does not exist");
            return registry;
        }
        manager.loadPlugins();
        manager.startPlugins();
        registry.index();
        return registry;
    }

    /**
     * Loads plugins added to the directory since the last load (hot reload); the ones already loaded are kept as
     * they are.
     *
     * @return the ids of the plugins loaded now
     */
    public synchronized List<String> loadNew() {
        if (!Files.isDirectory(pluginsDir)) {
            return List.of();
        }
        Set<Path> known = new java.util.HashSet<>();
        for (PluginWrapper wrapper : manager.getPlugins()) {
            known.add(wrapper.getPluginPath().toAbsolutePath().normalize());
        }
        List<String> loaded = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(pluginsDir)) {
            for (Path path : files.sorted().toList()) {
                Path normal = path.toAbsolutePath().normalize();
                String file = path.getFileName().toString();
                boolean candidate = file.endsWith(".jar") || file.endsWith(".zip") || Files.isDirectory(path);
                Path expanded = file.endsWith(".zip")
                        ? normal.resolveSibling(file.substring(0, file.length() - 4)) : normal;
                if (!candidate || file.startsWith(".") || known.contains(normal) || known.contains(expanded)) {
                    continue;
                }
                if (file.endsWith(".zip") && !ExpandedPluginRepository.expand(path, problem -> {
                    problems.add(problem);
                    LOG.warn("plugin problem: {}", problem);
                })) {
                    continue;
                }
                try {
                    String id = manager.loadPlugin(expanded);
                    manager.startPlugin(id);
                    loaded.add(id);
                } catch (RuntimeException e) {
                    problems.add(file + ": skipped, " + JetconnectPluginManager.describe(e));
                    LOG.warn("plugin problem: {}: skipped, {}", file, JetconnectPluginManager.describe(e));
                }
            }
        } catch (java.io.IOException e) {
            problems.add(pluginsDir + ": cannot list: " + e.getMessage());
        }
        index();
        return loaded;
    }

    private void index() {
        for (PluginWrapper wrapper : manager.getPlugins()) {
            String id = wrapper.getPluginId();
            if (!indexed.add(id)) {
                continue;
            }
            if (wrapper.getPluginState() != PluginState.STARTED) {
                problems.add(id + ": not started (" + wrapper.getPluginState()
                        + (wrapper.getFailedException() == null ? ""
                        : ", " + JetconnectPluginManager.describe(wrapper.getFailedException())) + ")");
                continue;
            }
            Config reference = reference(wrapper);
            List<PluginType> provided = new ArrayList<>();
            for (String className : manager.getExtensionClassNames(id)) {
                PluginType type = type(wrapper, className, reference);
                if (type == null) {
                    continue;
                }
                PluginType clash = types.get(type.name());
                if (clash != null) {
                    problems.add(id + ": type '" + type.name() + "' is already provided by plugin '"
                            + clash.pluginId() + "'; pipelines using it are refused until one is removed");
                    conflicts.put(type.name(), "plugins '" + clash.pluginId() + "' and '" + id + "' both provide it");
                    continue;
                }
                if (manager.duplicateIds().contains(id)) {
                    conflicts.put(type.name(), "two plugin files have the id '" + id + "'");
                }
                types.put(type.name(), type);
                provided.add(type);
            }
            plugins.add(new PluginInfo(id, wrapper.getDescriptor().getVersion(), wrapper.getPluginPath(),
                    provided));
        }
        for (String problem : manager.problems()) {
            if (!problems.contains(problem)) {
                problems.add(0, problem);
            }
        }
        for (String problem : problems) {
            if (logged.add(problem)) {
                LOG.warn("plugin problem: {}", problem);
            }
        }
    }

    private PluginType type(PluginWrapper wrapper, String className, Config reference) {
        String id = wrapper.getPluginId();
        Class<?> cls;
        try {
            cls = wrapper.getPluginClassLoader().loadClass(className);
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add(id + ": extension " + className + " cannot be loaded ("
                    + JetconnectPluginManager.describe(e) + "); skipped");
            return null;
        }
        ExtensionKind kind = ExtensionKind.of(cls);
        TypeName name = cls.getAnnotation(TypeName.class);
        if (kind == null) {
            problems.add(id + ": extension " + className + " implements no jetconnect extension point; skipped");
            return null;
        }
        if (name == null || name.value().isBlank()) {
            problems.add(id + ": extension " + className + " has no @TypeName; skipped");
            return null;
        }
        Config defaults = ConfigFactory.empty();
        try {
            if (reference.hasPath('"' + name.value() + '"')) {
                defaults = reference.getConfig('"' + name.value() + '"');
            }
        } catch (ConfigException e) {
            problems.add(id + ": reference.conf: '" + name.value() + "' is not a block; defaults ignored");
        }
        return new PluginType(name.value(), kind, id, cls, defaults);
    }

    private Config reference(PluginWrapper wrapper) {
        ClassLoader loader = wrapper.getPluginClassLoader();
        if (!(loader instanceof URLClassLoader urls)) {
            return ConfigFactory.empty();
        }
        // findResource, not getResource: only the plugin's own reference.conf, not the host's.
        URL url = urls.findResource("reference.conf");
        if (url == null) {
            return ConfigFactory.empty();
        }
        try {
            return ConfigFactory.parseURL(url).resolve();
        } catch (ConfigException e) {
            problems.add(wrapper.getPluginId() + ": its reference.conf does not parse: " + e.getMessage());
            return ConfigFactory.empty();
        }
    }

    /** @return the loaded plugins */
    public synchronized List<PluginInfo> plugins() {
        return List.copyOf(plugins);
    }

    /** @return why plugins or extensions were skipped, one line each */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * A type name claimed twice (by two plugins, or by a plugin whose id a second plugin file also uses) is not
     * used at all: otherwise whichever loaded first would silently win, and a dropped-in jar could take over a
     * built-in's name.
     *
     * @return why a type name is ambiguous, if it is
     */
    public synchronized java.util.Optional<String> conflict(String name) {
        return java.util.Optional.ofNullable(conflicts.get(name));
    }

    /** @return the type with that name, or null */
    public synchronized PluginType type(String name) {
        return types.get(name);
    }

    /** @return every type name of a kind, sorted */
    public synchronized Set<String> names(ExtensionKind kind) {
        Set<String> out = new TreeSet<>();
        for (PluginType type : types.values()) {
            if (type.kind() == kind) {
                out.add(type.name());
            }
        }
        return out;
    }

    /** @return every type */
    public synchronized Collection<PluginType> types() {
        return List.copyOf(types.values());
    }

    /**
     * Creates an instance of a type through PF4J's extension factory, with the plugin's class loader as the
     * thread's context class loader.
     */
    public <T> T create(PluginType type, Class<T> as) {
        Object instance = withLoaderOf(type, () -> manager.getExtensionFactory().create(type.extensionClass()));
        if (instance == null) {
            throw new JetconnectException("type '" + type.name() + "' of plugin '" + type.pluginId()
                    + "' could not be instantiated (see the log)");
        }
        return as.cast(instance);
    }

    /** Runs plugin code with the plugin's class loader as the context class loader (Kafka's LoaderSwap). */
    public static <T> T withLoaderOf(PluginType type, Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        thread.setContextClassLoader(type.extensionClass().getClassLoader());
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(saved);
        }
    }

    /** Runs plugin code with the plugin's class loader as the context class loader. */
    public static void runWithLoaderOf(PluginType type, Runnable call) {
        withLoaderOf(type, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public void close() {
        // unloadPlugins stops each plugin first; PF4J's stopPlugins trips over its own list as it goes.
        manager.unloadPlugins();
    }
}
