package io.jetconnect.plugins.jetstream;

import io.jetconnect.nats.JetStreamErrors;
import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.StreamSpec;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the sink's stream exists before the first event: creates a declared stream that is absent, with the
 * storage, max-age, duplicate window, replicas and limits of its declaration; never changes a stream that exists.
 * Checks that an existing stream keeps messages at least as long as its {@code retention-floor} and that the
 * stream's subjects capture the sink's subject template.
 */
final class StreamProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamSink.class);
    private static final int JETSTREAM_UNAVAILABLE = 10008;

    private StreamProvisioner() {
    }

    /**
     * @param jsm the management API of the sink's connection
     * @param spec the stream as declared, or a bare reference to one
     * @param config the sink's block, for errors about its {@code subject}
     * @param template the sink's subject template
     * @param failBelowFloor whether a stream kept shorter than its floor fails (else a warning)
     * @throws JetconnectException if the stream is absent and undeclared, cannot be created, or is kept for less
     *     than its floor under the {@code fail} policy
     * @throws io.jetconnect.spi.ConfigurationException if the stream's subjects do not capture the template
     */
    static void provision(JetStreamManagement jsm, StreamSpec spec, ConnectorConfig config,
                          SubjectTemplate template, boolean failBelowFloor, String pipeline) {
        StreamInfo existing = find(jsm, spec.name());
        if (existing == null) {
            if (!spec.declared()) {
                throw new JetconnectException("stream " + spec.name() + " does not exist and is not declared in "
                        + "jetconnect.streams, so the jetstream sink cannot create it");
            }
            requireCaptured(spec.subjects(), spec.name(), config, template);
            create(jsm, spec);
            LOG.info("Pipeline {}: created stream {} ({} storage, subjects {})", pipeline, spec.name(),
                    spec.storage(), spec.subjects());
            return;
        }
        StreamConfiguration actual = existing.getConfiguration();
        requireCaptured(actual.getSubjects(), spec.name(), config, template);
        Duration maxAge = actual.getMaxAge() == null ? Duration.ZERO : actual.getMaxAge();
        Duration floor = spec.retentionFloor();
        if (!floor.isZero() && !maxAge.isZero() && maxAge.compareTo(floor) < 0) {
            String message = "stream " + spec.name() + " keeps messages for " + human(maxAge) + " (max-age), less "
                    + "than its retention-floor of " + human(floor) + "; the sink never changes an existing stream";
            if (failBelowFloor) {
                throw new JetconnectException(message + ": raise the stream's max-age, or lower the floor");
            }
            LOG.warn("Pipeline {}: {} (retention-floor-policy = warn)", pipeline, message);
        }
    }

    /**
     * Creates a declared stream again if it is gone (deleted, or the server's store was wiped), on a connection
     * the sink opened after the first: create only, never a change to a stream that exists. Problems are logged,
     * not thrown: the next publish fails and the sink tries again on its next connection.
     */
    static void recreateIfMissing(JetStreamManagement jsm, StreamSpec spec, String pipeline) {
        if (!spec.declared()) {
            return;
        }
        try {
            if (find(jsm, spec.name()) != null) {
                return;
            }
            create(jsm, spec);
            LOG.warn("Pipeline {}: stream {} was gone (deleted, or the server lost its store); created it again "
                    + "({} storage, subjects {})", pipeline, spec.name(), spec.storage(), spec.subjects());
        } catch (JetconnectException e) {
            LOG.warn("Pipeline {}: cannot make sure stream {} exists: {}", pipeline, spec.name(), e.getMessage());
        }
    }

    /** @return a duration as pipeline.conf would write it: {@code 90d}, {@code 1h}, {@code 1h30m}, {@code 45s} */
    static String human(Duration d) {
        StringBuilder out = new StringBuilder();
        long days = d.toDays();
        if (days > 0) {
            out.append(days).append('d');
        }
        if (d.toHoursPart() > 0) {
            out.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            out.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || d.toMillisPart() > 0 || out.length() == 0) {
            out.append(d.toSecondsPart());
            if (d.toMillisPart() > 0) {
                out.append('.').append(String.format("%03d", d.toMillisPart()));
            }
            out.append('s');
        }
        return out.toString();
    }

    private static StreamInfo find(JetStreamManagement jsm, String name) {
        try {
            return jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                return null;
            }
            if (e.getErrorCode() >= 500 || e.getApiErrorCode() == JETSTREAM_UNAVAILABLE) {
                // A server that just started, or a cluster without a meta leader yet: it comes back by itself.
                throw new io.jetconnect.spi.RetriableException("cannot look up stream " + name + ": "
                        + e.getErrorDescription() + " (error " + e.getApiErrorCode() + ")");
            }
            throw new JetconnectException("cannot look up stream " + name + ": " + e.getErrorDescription()
                    + " (error " + e.getApiErrorCode() + ")");
        } catch (IOException e) {
            throw new io.jetconnect.spi.RetriableException("cannot look up stream " + name + ": "
                    + PublishErrors.describe(e));
        }
    }

    private static void create(JetStreamManagement jsm, StreamSpec spec) {
        StreamConfiguration.Builder builder = StreamConfiguration.builder()
                .name(spec.name())
                .subjects(spec.subjects())
                .storageType(spec.storage().equals("memory") ? StorageType.Memory : StorageType.File)
                .maxAge(spec.maxAge())
                .duplicateWindow(spec.duplicateWindow())
                .replicas(spec.replicas());
        if (spec.maxMessages() >= 0) {
            builder.maxMessages(spec.maxMessages());
        }
        if (spec.maxBytes() >= 0) {
            builder.maxBytes(spec.maxBytes());
        }
        try {
            jsm.addStream(builder.build());
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() >= 500 || e.getApiErrorCode() == JETSTREAM_UNAVAILABLE) {
                throw new io.jetconnect.spi.RetriableException("cannot create stream " + spec.name() + " yet: "
                        + e.getErrorDescription() + " (error " + e.getApiErrorCode() + ")");
            }
            throw new JetconnectException("cannot create stream " + spec.name() + ": " + e.getErrorDescription()
                    + " (error " + e.getApiErrorCode() + ")");
        } catch (IOException e) {
            throw new io.jetconnect.spi.RetriableException("cannot create stream " + spec.name() + ": "
                    + PublishErrors.describe(e));
        }
    }

    /**
     * @throws io.jetconnect.spi.ConfigurationException naming the sink's {@code subject} if none of the stream's
     *     subjects captures every subject the template can make
     */
    static void requireCaptured(List<String> subjects, String stream, ConnectorConfig config,
                                SubjectTemplate template) {
        String wildcard = template.wildcard();
        for (String filter : subjects) {
            if (captures(filter, wildcard)) {
                return;
            }
        }
        throw config.invalid("subject", "stream " + stream + " captures " + subjects + ", which does not "
                + "include every subject of " + wildcard);
    }

    /**
     * @param filter a stream subject, with {@code *} and {@code >} wildcards
     * @param subject a subject whose {@code *} tokens stand for any token
     * @return whether every subject matched by {@code subject} is matched by {@code filter}
     */
    static boolean captures(String filter, String subject) {
        String[] f = filter.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length) {
                return false;
            }
            if (!f[i].equals("*") && !f[i].equals(s[i])) {
                return false;
            }
        }
        return f.length == s.length;
    }
}
