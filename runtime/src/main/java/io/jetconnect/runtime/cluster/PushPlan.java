package io.jetconnect.runtime.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code config push} writes to the bucket: the definitions that are new or changed, and the keys of those no
 * longer in the file; unchanged entries are not written, so that no worker sees them change. Ordered so that each
 * state a watching worker may apply between two writes is whole: streams are written before the pipelines that
 * name them, and pipelines deleted before the streams they named. Workers apply a push at its commit
 * ({@link FleetBucket#apply}); the order is for a worker that starts in the middle of one. Workers' status keys
 * are never touched.
 *
 * @param puts the entries to write, in order
 * @param deletes the keys to delete, in order
 * @param unchanged the keys left as they are
 */
public record PushPlan(Map<String, String> puts, List<String> deletes, List<String> unchanged) {

    public PushPlan {
        puts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(puts));
        deletes = List.copyOf(deletes);
        unchanged = List.copyOf(unchanged);
    }

    /**
     * @param wanted the file's entries ({@link FleetDefinitions#entries})
     * @param current the bucket's entries now, any keys
     * @return the writes that make the bucket's definitions the file's
     */
    public static PushPlan of(Map<String, String> wanted, Map<String, String> current) {
        Map<String, String> puts = new LinkedHashMap<>();
        List<String> unchanged = new ArrayList<>();
        for (String prefix : List.of(FleetDefinitions.STREAMS, FleetDefinitions.PIPELINES)) {
            new TreeMap<>(wanted).forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    if (value.equals(current.get(key))) {
                        unchanged.add(key);
                    } else {
                        puts.put(key, value);
                    }
                }
            });
        }
        List<String> deletes = new ArrayList<>();
        for (String prefix : List.of(FleetDefinitions.PIPELINES, FleetDefinitions.STREAMS)) {
            new TreeMap<>(current).keySet().stream()
                    .filter(k -> k.startsWith(prefix) && !wanted.containsKey(k))
                    .forEach(deletes::add);
        }
        return new PushPlan(puts, deletes, unchanged);
    }

    /** @return whether the bucket already holds the file's definitions */
    public boolean isEmpty() {
        return puts.isEmpty() && deletes.isEmpty();
    }
}
