package io.jetconnect.runtime.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A worker's id: {@code jetconnect.cluster.worker-id}, else the one stored in {@code data-dir/worker-id}, else a new
 * one (the host name and a random suffix) stored there. Kept across restarts so that a restarted worker takes its
 * own status key back instead of leaving a dead twin in the fleet view; data-dir's lock makes it one process's.
 */
public final class WorkerId {

    static final String FILE = "worker-id";

    private WorkerId() {
    }

    /** @return the id of this worker, as the class comment says */
    public static String of(ClusterSettings cluster, Path dataDir) {
        if (cluster.workerId().isPresent()) {
            return cluster.workerId().get();
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (stored.matches("[A-Za-z0-9_-]+")) {
                    return stored;
                }
            }
            byte[] random = new byte[3];
            new SecureRandom().nextBytes(random);
            String id = host() + "-" + HexFormat.of().formatHex(random);
            Files.createDirectories(dataDir);
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the worker id in " + file + ": " + e.getMessage(), e);
        }
    }

    private static String host() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = "worker";
        }
        String clean = name.replaceAll("[^A-Za-z0-9_-]", "-");
        return clean.isEmpty() ? "worker" : clean;
    }
}
