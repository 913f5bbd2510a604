package io.jetconnect.distribution;

import io.nats.client.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a fault scenario did, counted from the stream itself against what a {@link LoadClient} offered and had
 * acknowledged: {@code offered} (distinct events posted), {@code acknowledged} (answered 202), {@code stored}
 * (messages in the stream), {@code lost} (acknowledged but not in the stream), {@code duplicated} (messages whose
 * event id an earlier message already had) and {@code reordered} (first copies stored after a later event of the
 * same subject), {@code forged} (messages whose event id no client offered). {@link #print} writes the line
 * docs/reliability.md quotes, naming the {@link FaultRepeat} repetition it comes from.
 */
record Figures(String scenario, String repetition, long offered, long acknowledged, long stored, long lost,
               long duplicated, long reordered, long forged, List<Long> duplicateSequences,
               Map<String, Object> extra) {

    /** Reads the stream back and counts. */
    static Figures of(String scenario, LoadClient client, String url, String stream) throws Exception {
        return of(scenario, client.offered, client.acknowledged, StreamReader.readAll(url, stream), "fault.");
    }

    /**
     * Counts {@code messages} (a stream read back, in stream order) against events named {@code TENANT-SEQ}, each
     * stored on the subject {@code subjectPrefix + TENANT + ".v1"}.
     */
    static Figures of(String scenario, Set<String> offered, Set<String> acknowledged, List<Message> messages,
                      String subjectPrefix) {
        Set<String> ids = new HashSet<>();
        Map<String, Integer> lastSeq = new HashMap<>();
        List<Long> duplicateSequences = new ArrayList<>();
        long reordered = 0;
        long forged = 0;
        for (Message m : messages) {
            String id = StreamReader.eventId(m);
            if (id == null || !offered.contains(id)) {
                if (forged < 5) {
                    System.out.println("forged: " + id + " at stream sequence " + m.metaData().streamSequence());
                }
                forged++;
                continue;
            }
            if (!ids.add(id)) {
                duplicateSequences.add(m.metaData().streamSequence());
                continue;
            }
            int dash = id.lastIndexOf('-');
            String tenant = id.substring(0, dash);
            int seq = Integer.parseInt(id.substring(dash + 1));
            if (!m.getSubject().equals(subjectPrefix + tenant + ".v1")) {
                throw new AssertionError("event " + id + " stored on subject " + m.getSubject());
            }
            if (seq < lastSeq.getOrDefault(tenant, -1)) {
                if (reordered < 5) {
                    System.out.println("reordered: " + id + " at stream sequence " + m.metaData().streamSequence()
                            + " after " + tenant + "-" + lastSeq.get(tenant));
                }
                reordered++;
            } else {
                lastSeq.put(tenant, seq);
            }
        }
        long lost = acknowledged.stream().filter(id -> !ids.contains(id)).count();
        return new Figures(scenario, FaultRepeat.current(), offered.size(), acknowledged.size(),
                messages.size(), lost, duplicateSequences.size(), reordered, forged, duplicateSequences,
                new LinkedHashMap<>());
    }

    /** Adds a figure of the scenario's own (printed after the standard ones). */
    Figures with(String name, Object value) {
        extra.put(name, value);
        return this;
    }

    String line() {
        StringBuilder out = new StringBuilder("fault ").append(scenario);
        if (!repetition.isEmpty()) {
            out.append(" (").append(repetition).append(')');
        }
        out.append(": offered=").append(offered)
                .append(" acknowledged=").append(acknowledged).append(" stored=").append(stored)
                .append(" lost=").append(lost).append(" duplicated=").append(duplicated)
                .append(" reordered=").append(reordered).append(" forged=").append(forged);
        extra.forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
        return out.toString();
    }

    Figures print() {
        System.out.println(line());
        return this;
    }
}
