package io.jetconnect.runtime.cli;

import io.jetconnect.nats.JetStreamAvailability;
import io.jetconnect.nats.JetStreamErrors;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.nats.NatsConnector;
import io.jetconnect.runtime.pipeline.ResolvedElement;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.StreamSpec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code check --connect}: what {@code run} would find at the broker, said before it starts. NATS reachable and
 * the credentials accepted, JetStream on, every declared stream present and compatible (subjects, storage) or
 * absent and so created at start, every undeclared stream a pipeline names present. Each finding is one line;
 * a problem makes {@code check} exit {@value #EXIT_BROKER}.
 */
final class BrokerCheck {

    /** The exit code when the configuration is valid but the broker is not ready for it. */
    static final int EXIT_BROKER = 3;

    private final PrintStream out;
    private final PrintStream err;

    BrokerCheck(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** @return 0 when the broker is ready for these pipelines, else {@link #EXIT_BROKER} */
    int run(LoadedConfig config, List<ResolvedPipeline> pipelines) {
        RuntimeSettings settings = config.settings();
        NatsSettings nats = settings.nats();
        String url = nats.redactedUrl();
        Connection connection;
        try {
            connection = NatsConnector.connect(nats);
        } catch (RetriableException e) {
            if (settings.embedded().equals("auto") && settings.natsUrlSetAt().isEmpty()) {
                out.println("connect: nothing answers at " + url + "; run would start a private nats-server "
                        + "(jetconnect.nats.embedded = auto), not use a site broker");
                return 0;
            }
            err.println("connect: " + describe(e, url));
            return EXIT_BROKER;
        } catch (io.jetconnect.spi.ConfigurationException e) {
            err.println("connect: " + e.getMessage());
            return EXIT_BROKER;
        }
        try {
            out.println("connect: NATS at " + url + " answered (server " + connection.getServerInfo().getVersion()
                    + ")" + (nats.credentialsFile().isPresent() ? "; credentials accepted" : ""));
            Optional<String> disabled = JetStreamAvailability.disabled(connection, url);
            if (disabled.isPresent()) {
                err.println("connect: " + disabled.get());
                return EXIT_BROKER;
            }
            JetStreamManagement jsm = connection.jetStreamManagement();
            try {
                jsm.getAccountStatistics();
            } catch (JetStreamApiException e) {
                err.println("connect: " + JetStreamAvailability.disabled(e, url)
                        .orElse("JetStream at " + url + " refused the account information: " + e.getMessage()));
                return EXIT_BROKER;
            }
            out.println("connect: JetStream is enabled");
            boolean ok = true;
            for (Map.Entry<String, StreamSpec> stream : streamsUsed(settings, pipelines).entrySet()) {
                ok &= stream(jsm, stream.getValue(), stream.getKey());
            }
            return ok ? 0 : EXIT_BROKER;
        } catch (IOException e) {
            err.println("connect: JetStream at " + url + " did not answer: " + NatsSettings.redact(e.getMessage()));
            return EXIT_BROKER;
        } finally {
            NatsConnector.close(connection);
        }
    }

    private boolean stream(JetStreamManagement jsm, StreamSpec spec, String usedBy) throws IOException {
        StreamInfo info;
        try {
            info = jsm.getStreamInfo(spec.name());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrors.STREAM_NOT_FOUND) {
                err.println("connect: stream " + spec.name() + ": " + e.getMessage());
                return false;
            }
            if (spec.declared()) {
                out.println("connect: stream " + spec.name() + " is absent; run creates it (" + spec.storage()
                        + ", subjects " + spec.subjects() + ")");
                return true;
            }
            err.println("connect: stream " + spec.name() + " (" + usedBy + ") does not exist and is not declared "
                    + "in jetconnect.streams, so nothing creates it");
            return false;
        }
        StreamConfiguration actual = info.getConfiguration();
        List<String> problems = new ArrayList<>();
        if (spec.declared()) {
            List<String> missing = new ArrayList<>(spec.subjects());
            missing.removeAll(actual.getSubjects());
            if (!missing.isEmpty()) {
                problems.add("it does not have the declared subjects " + missing + " (it has "
                        + actual.getSubjects() + ")");
            }
            String storage = actual.getStorageType().toString().toLowerCase(Locale.ROOT);
            if (!storage.equals(spec.storage())) {
                problems.add("its storage is " + storage + ", declared " + spec.storage());
            }
        }
        if (!problems.isEmpty()) {
            err.println("connect: stream " + spec.name() + " exists but " + String.join("; ", problems)
                    + "; run never changes an existing stream");
            return false;
        }
        out.println("connect: stream " + spec.name() + " exists (" + info.getStreamState().getMsgCount()
                + " messages)");
        return true;
    }

    /** The declared streams, and the undeclared ones an element names with {@code stream = ...}. */
    private static Map<String, StreamSpec> streamsUsed(RuntimeSettings settings, List<ResolvedPipeline> pipelines) {
        Map<String, StreamSpec> used = new LinkedHashMap<>();
        for (StreamSpec declared : settings.streams().values()) {
            used.put("jetconnect.streams." + declared.key(), declared);
        }
        for (ResolvedPipeline pipeline : pipelines) {
            List<ResolvedElement> elements = new ArrayList<>(pipeline.sinks());
            elements.add(0, pipeline.source());
            for (ResolvedElement element : elements) {
                if (!element.config().unwrap().hasPath("stream")) {
                    continue;
                }
                String ref = element.config().unwrap().getString("stream").trim();
                boolean declared = settings.streams().containsKey(ref) || settings.streams().values().stream()
                        .anyMatch(s -> s.name().equals(ref));
                if (!ref.isEmpty() && !declared) {
                    used.putIfAbsent(element.spec().path(), StreamSpec.undeclared(ref));
                }
            }
        }
        return used;
    }

    /** The runtime's connector redacts the cause's text; a refusal of the credentials is still named as such. */
    private static String describe(RetriableException e, String url) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("authorization violation") || m.contains("authentication")) {
                return "NATS at " + url + " refused the credentials (the URL's user and password, or "
                        + "jetconnect.nats.credentials-file): Authorization Violation";
            }
        }
        return e.getMessage();
    }
}
