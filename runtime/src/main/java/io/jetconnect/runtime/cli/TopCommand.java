package io.jetconnect.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * {@code jetconnect top [--url URL] [--once]}: a running runtime's pipelines once a second, as a plain table
 * (state, events/s in and out, in flight, spill depth, lag), from {@code GET /v1/pipelines}. The runtime computes
 * the rates between two of its answers a second or more apart, so the first frame is printed after a second reading.
 * The URL defaults to the listener of {@code pipeline.conf} ({@code jetconnect.http}), else
 * {@code http://127.0.0.1:8083}.
 */
final class TopCommand implements ConfigCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROW = "%-20s %-9s %10s %10s %9s %9s %9s%n";

    private final ConfigLocation location;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    TopCommand(ConfigLocation location, PrintStream out, PrintStream err) {
        this.location = location;
        this.out = out;
        this.err = err;
    }

    @Override
    public int run(List<String> args) {
        String url = null;
        boolean once = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--once")) {
                once = true;
            } else if (a.equals("--url") && i + 1 < args.size()) {
                url = args.get(++i);
            } else if (a.startsWith("--url=")) {
                url = a.substring("--url=".length());
            } else {
                err.println("usage: jetconnect top [--config FILE] [--url http://HOST:PORT] [--once]");
                return 2;
            }
        }
        String base = (url != null ? url : listenerUrl()).replaceAll("/+$", "");
        try {
            fetch(base); // the first reading: rates need a second one
            while (true) {
                Thread.sleep(1000); // the rates' interval, not a wait for a condition
                JsonNode body = fetch(base);
                if (!once) {
                    out.print("\033[H\033[2J"); // a terminal redraws; a file or pipe gets frames one after another
                }
                print(base, body);
                out.flush();
                if (once) {
                    return 0;
                }
            }
        } catch (IOException e) {
            err.println("cannot reach the runtime at " + base + ": " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private JsonNode fetch(String base) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/pipelines"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET /v1/pipelines answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    void print(String base, JsonNode body) {
        out.println("jetconnect " + base + "  " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
        out.printf(ROW, "PIPELINE", "STATE", "IN/s", "OUT/s", "INFLIGHT", "SPILL", "LAG");
        for (JsonNode p : body.path("pipelines")) {
            JsonNode rates = p.path("rates");
            out.printf(ROW, p.path("name").asText(), p.path("state").asText(),
                    rate(rates.path("eventsInPerSecond").asDouble()), rate(rates.path("eventsOutPerSecond").asDouble()),
                    p.path("counters").path("inFlight").asLong(), rates.path("spillDepth").asLong(),
                    rates.path("lagEvents").asLong());
        }
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /** @return the listener {@code pipeline.conf} declares, or the default one */
    private String listenerUrl() {
        String host = "127.0.0.1";
        int port = 8083;
        try {
            if (Files.isReadable(location.file())) {
                Config c = ConfigFactory.parseFile(location.file().toFile()).resolve();
                if (c.hasPath("jetconnect.http.host")) {
                    host = c.getString("jetconnect.http.host");
                }
                if (c.hasPath("jetconnect.http.port")) {
                    port = c.getInt("jetconnect.http.port");
                }
            }
        } catch (RuntimeException e) {
            // an unreadable file: `check` says why; top falls back to the default listener
        }
        if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
            host = "127.0.0.1";
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
