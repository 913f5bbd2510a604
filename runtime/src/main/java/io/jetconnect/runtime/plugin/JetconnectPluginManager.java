package io.jetconnect.runtime.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J's manager with the host-first class loader for every plugin (zips expanded to directories and plain
 * jars alike), and one that remembers why a plugin could not be loaded instead of only logging it, so that
 * {@code jetconnect plugins} and the startup log can say which file was skipped and why.
 */
final class JetconnectPluginManager extends DefaultPluginManager {

    private final List<String> problems = new ArrayList<>();
    private final java.util.Set<String> duplicateIds = new java.util.HashSet<>();

    /** @return plugin ids that two plugin files claimed (the second was skipped) */
    java.util.Set<String> duplicateIds() {
        synchronized (problems) {
            return java.util.Set.copyOf(duplicateIds);
        }
    }

    JetconnectPluginManager(Path pluginsDir) {
        super(pluginsDir);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        // Never PF4J's development mode, whatever pf4j.mode says: plugins are always packaged.
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected org.pf4j.PluginRepository createPluginRepository() {
        return new org.pf4j.CompoundPluginRepository()
                .add(new ExpandedPluginRepository(getPluginsRoots(), this::addProblem))
                .add(new org.pf4j.JarPluginRepository(getPluginsRoots()));
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new HostFirstClassLoader(pluginManager, descriptor, getClass().getClassLoader());
                    }
                })
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new HostFirstClassLoader(pluginManager, descriptor, getClass().getClassLoader());
                    }
                });
    }

    @Override
    protected PluginWrapper loadPluginFromPath(Path pluginPath) {
        try {
            String id = idOf(pluginPath);
            if (id != null && getPlugin(id) != null) {
                synchronized (problems) {
                    duplicateIds.add(id);
                }
            }
            return super.loadPluginFromPath(pluginPath);
        } catch (RuntimeException e) {
            synchronized (problems) {
                problems.add(pluginPath.getFileName() + ": skipped, " + describe(e));
            }
            throw e;
        }
    }

    private String idOf(Path pluginPath) {
        try {
            return getPluginDescriptorFinder().find(pluginPath).getPluginId();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Adds a problem found after loading (an extension class that fails to load). */
    void addProblem(String problem) {
        synchronized (problems) {
            problems.add(problem);
        }
    }

    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        Throwable t = e;
        while (t != null) {
            if (out.length() > 0) {
                out.append(": ");
            }
            out.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            t = t.getCause() == t ? null : t.getCause();
        }
        return out.toString();
    }
}
