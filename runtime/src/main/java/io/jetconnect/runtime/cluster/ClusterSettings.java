package io.jetconnect.runtime.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.jetconnect.runtime.config.ConfigErrors;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code jetconnect.cluster}: fleet mode, on while {@code name} is set (docs/scale-out.md, "Fleet mode"). Read (and
 * so validated, with {@code FILE:LINE} errors) when {@code pipeline.conf} loads, and again where it is used.
 *
 * @param name the fleet's name
 * @param bucket the key-value bucket of the fleet's pipelines and its workers' status
 * @param workerId this worker's id, if configured (else one stored in data-dir, {@link WorkerId})
 * @param adminUrl the admin URL other workers show for this one, if configured (else from the listener)
 * @param heartbeat how often a worker writes its status
 * @param workerTimeout how old a worker's status may be before the fleet view shows it dead
 * @param replicas copies of the bucket in a JetStream cluster
 * @param leaseTtl how long a run-once pipeline's lease holds without a renewal
 * @param workerExpiry how old a dead worker's status may be before a live worker removes it from the bucket
 */
public record ClusterSettings(String name, String bucket, Optional<String> workerId, Optional<String> adminUrl,
                              Duration heartbeat, Duration workerTimeout, int replicas, Duration leaseTtl,
                              Duration workerExpiry) {

    private static final String ID = "[A-Za-z0-9_-]+";

    /**
     * @param c the {@code jetconnect} block, over the runtime's reference.conf
     * @return the settings, or empty when fleet mode is off
     * @throws io.jetconnect.spi.ConfigurationException naming the key, file and line of a bad value
     */
    public static Optional<ClusterSettings> read(Config c) {
        if (!c.hasPath("cluster.name")) {
            return Optional.empty();
        }
        try {
            String name = c.getString("cluster.name");
            if (name.isBlank()) {
                throw ConfigErrors.invalid(c.getValue("cluster.name").origin(), "jetconnect.cluster.name",
                        "must not be empty (leave it unset for a single runtime)");
            }
            if (!c.hasPath("cluster.bucket")) {
                throw ConfigErrors.invalid(c.getValue("cluster.name").origin(), "jetconnect.cluster.bucket",
                        "fleet mode needs the key-value bucket of its pipelines: set jetconnect.cluster.bucket");
            }
            String bucket = matching(c, "cluster.bucket");
            Optional<String> workerId = c.hasPath("cluster.worker-id")
                    ? Optional.of(matching(c, "cluster.worker-id")) : Optional.empty();
            Optional<String> adminUrl = c.hasPath("cluster.admin-url")
                    ? Optional.of(c.getString("cluster.admin-url")) : Optional.empty();
            Duration heartbeat = c.getDuration("cluster.heartbeat");
            if (heartbeat.isZero() || heartbeat.isNegative()) {
                throw ConfigErrors.invalid(c.getValue("cluster.heartbeat").origin(), "jetconnect.cluster.heartbeat",
                        "must be more than 0s");
            }
            Duration timeout = c.getDuration("cluster.worker-timeout");
            if (timeout.compareTo(heartbeat) <= 0) {
                throw ConfigErrors.invalid(c.getValue("cluster.worker-timeout").origin(),
                        "jetconnect.cluster.worker-timeout", "must be longer than jetconnect.cluster.heartbeat ("
                                + heartbeat.toMillis() + "ms), or every worker would be shown dead between two beats");
            }
            int replicas = c.getInt("cluster.replicas");
            if (replicas < 1 || replicas > 5) {
                throw ConfigErrors.invalid(c.getValue("cluster.replicas").origin(), "jetconnect.cluster.replicas",
                        "must be between 1 and 5");
            }
            Duration leaseTtl = c.getDuration("cluster.lease-ttl");
            if (leaseTtl.compareTo(Duration.ofMillis(300)) < 0) {
                throw ConfigErrors.invalid(c.getValue("cluster.lease-ttl").origin(), "jetconnect.cluster.lease-ttl",
                        "must be at least 300ms: it is renewed every third of it, over the network");
            }
            Duration expiry = c.getDuration("cluster.worker-expiry");
            if (expiry.compareTo(timeout) <= 0) {
                throw ConfigErrors.invalid(c.getValue("cluster.worker-expiry").origin(),
                        "jetconnect.cluster.worker-expiry", "must be longer than jetconnect.cluster.worker-timeout ("
                                + timeout.toMillis() + "ms): a dead worker is shown dead before it is forgotten");
            }
            return Optional.of(new ClusterSettings(name, bucket, workerId, adminUrl, heartbeat, timeout, replicas,
                    leaseTtl, expiry));
        } catch (ConfigException e) {
            throw ConfigErrors.translate(e, "jetconnect");
        }
    }

    private static String matching(Config c, String path) {
        String value = c.getString(path);
        if (!value.matches(ID)) {
            throw ConfigErrors.invalid(c.getValue(path).origin(), "jetconnect." + path,
                    "'" + value + "' uses only letters, digits, '-' and '_'");
        }
        return value;
    }
}
