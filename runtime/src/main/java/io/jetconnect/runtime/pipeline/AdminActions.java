package io.jetconnect.runtime.pipeline;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Operator actions that extensions offer ({@code PluginContext.registerAction}), by pipeline, type and name. */
public final class AdminActions {

    private final Map<String, Runnable> actions = new ConcurrentHashMap<>();

    private static String key(String pipeline, String type, String name) {
        return pipeline + "/" + type + "/" + name;
    }

    /** Offers an action (the element context does it for {@code registerAction}). */
    public void register(String pipeline, String type, String name, Runnable action) {
        actions.put(key(pipeline, type, name), action);
    }

    /** Forgets every action of a pipeline (it stopped). */
    void removePipeline(String pipeline) {
        actions.keySet().removeIf(k -> k.startsWith(pipeline + "/"));
    }

    /** Runs the action of that name of every extension of a pipeline; one that throws does not stop the others. */
    void runAll(String pipeline, String name) {
        String suffix = "/" + name;
        for (Map.Entry<String, Runnable> e : actions.entrySet()) {
            if (e.getKey().startsWith(pipeline + "/") && e.getKey().endsWith(suffix)) {
                try {
                    e.getValue().run();
                } catch (RuntimeException ignored) {
                    // an action's failure is its extension's business; the others still run
                }
            }
        }
    }

    /** @return the action, if an extension of that pipeline and type offered it */
    public Optional<Runnable> action(String pipeline, String type, String name) {
        return Optional.ofNullable(actions.get(key(pipeline, type, name)));
    }
}
