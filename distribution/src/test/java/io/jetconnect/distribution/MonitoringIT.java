package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics catalogue ({@code docs/metrics.md}), the alert rules and the dashboard of the distribution's
 * {@code monitoring/}, checked against a live runtime: the built {@code bin/jetconnect} runs pipelines that use every
 * plugin of the distribution ({@code http -> [redact, sign, dlq, jetstream]}, {@code replay -> jsonl},
 * {@code live-tail -> stdout}), takes a little traffic so that the series that appear only after an event exist (an
 * accepted event, a rejected request, a request refused with backpressure, a stream message that is no CloudEvent), and its {@code /metrics} is scraped
 * once. Every documented metric must be exported with its type and labels, every exported one documented, and every
 * metric an alert or a dashboard panel reads exported; the rule file must pass a schema check in place of
 * {@code promtool check rules}.
 */
@ExtendWith(NatsServerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MonitoringIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String STREAM = "MONITORING_EVENTS";
    /** Plugins whose metrics the catalogue documents, by the word their zip's name carries. */
    private static final List<String> CATALOGUED_PLUGINS = List.of("http", "redact", "sign", "dlq", "jetstream",
            "replay", "jsonl");
    /** The alerts the operations contract asks for. */
    private static final List<String> REQUIRED_ALERTS = List.of("JetconnectCircuitOpen", "JetconnectDlqGrowing",
            "JetconnectDlqNearlyFull", "JetconnectQuarantine", "JetconnectSourceLagGrowing",
            "JetconnectPipelineFailed", "JetconnectDown", "JetconnectAbsent", "JetconnectDlqStuck",
            "JetconnectSourceGap", "JetconnectIngestBackpressure", "JetconnectReloadFailed");
    private static final Set<String> SEVERITIES = Set.of("critical", "warning");
    private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "rules", "limit", "query_offset");
    private static final Set<String> RULE_KEYS = Set.of("alert", "expr", "for", "keep_firing_for", "labels",
            "annotations");
    private static final String PROMETHEUS_DURATION = "((\\d+)y)?((\\d+)w)?((\\d+)d)?((\\d+)h)?((\\d+)m)?((\\d+)s)?"
            + "((\\d+)ms)?";

    @TempDir
    static Path work;

    private static RuntimeProcess runtime;
    private static Scrape scrape;
    private static Set<String> shipped;

    /** One row of a table of docs/metrics.md. */
    record Row(String name, String type, Set<String> labels, String appears, Set<String> alerts) {
    }

    @BeforeAll
    static void runEveryPluginAndScrape(NatsServer nats) throws Exception {
        shipped = shippedPlugins();
        try (Connection nc = Nats.connect(nats.url())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(STREAM).subjects("mon.>")
                    .storageType(StorageType.File).maxAge(Duration.ofHours(1)).build());
        }
        int port = NatsServer.freePort();
        Path tokens = Files.writeString(work.resolve("ingest.tokens"), "monitoring-token-7c1e9a acme\n");
        StringBuilder pipelines = new StringBuilder("""
                    ingest {
                      source { type = http }
                      sinks = [
                        { type = redact }
                        { type = sign, key-file = data/keys/dev.key, generate-if-missing = true }
                        { type = dlq }
                        { type = jetstream, stream = events, subject = "mon.{tenantId}.v1" }
                      ]
                    }
                    authed {
                      source { type = http, auth { mode = token, tokens-file = "%s" } }
                      sinks = [ { type = jetstream, stream = events, subject = "mon.{tenantId}.v1" } ]
                    }
                    narrow {
                      source { type = http }
                      sinks = [ { type = jetstream, stream = events, subject = "mon.{tenantId}.v1", max-in-flight = 1 } ]
                    }
                """.formatted(tokens));
        if (shipped.contains("replay") && shipped.contains("jsonl")) {
            pipelines.append("""
                        mirror {
                          source { type = replay, stream = events, then = live-tail }
                          sinks = [ { type = jsonl } ]
                        }
                        tail {
                          source { type = live-tail, stream = events }
                          sinks = [ { type = stdout } ]
                        }
                    """);
        }
        Path config = PipelineConf.write(work.resolve("pipeline.conf"), "data", port, nats.url(), """
                streams { events { name = %s, subjects = ["mon.>"], max-age = 1h } }
                pipelines {
                %s
                }
                """.formatted(STREAM, pipelines));
        runtime = RuntimeProcess.run(work, config, port, Map.of());

        // An accepted event (published, redacted, signed), a rejected request (400), and a stream message that is
        // no CloudEvent (skipped by replay and live-tail with a reason).
        String event = "{\"specversion\":\"1.0\",\"id\":\"m-1\",\"source\":\"/monitoring\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"acme\",\"password\":\"x\"}}";
        assertEquals(202, runtime.post("/v1/pipelines/ingest/events", "application/cloudevents+json", event)
                .statusCode());
        assertEquals(400, runtime.post("/v1/pipelines/ingest/events", "application/cloudevents+json", "{}")
                .statusCode());
        // A request without credentials to a pipeline that wants them: 401 (jetconnect_http_auth_total).
        assertEquals(401, runtime.post("/v1/pipelines/authed/events", "application/cloudevents+json", event)
                .statusCode());
        // A batch of 50 into a sink that holds one event at a time: backpressure, 503 (JetconnectIngestBackpressure).
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
            batch.append(i == 0 ? "" : ",").append(event.replace("\"m-1\"", "\"n-" + i + "\""));
        }
        assertEquals(503, runtime.post("/v1/pipelines/narrow/events", "application/cloudevents-batch+json",
                batch.append("]").toString()).statusCode());
        try (Connection nc = Nats.connect(nats.url())) {
            nc.jetStream().publish("mon.junk.v1", "no cloudevent".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Scrape now = Scrape.parse(runtime.get("/metrics").body());
            boolean published = value(now, "jetconnect_sink_events_total", "pipeline", "ingest", "outcome",
                    "published") >= 1;
            if (!shipped.contains("replay") || !shipped.contains("jsonl")) {
                return published;
            }
            return published
                    && value(now, "jetconnect_sink_events_total", "pipeline", "mirror", "sink", "jsonl") >= 1
                    && value(now, "jetconnect_sink_events_total", "pipeline", "tail", "sink", "stdout") >= 1
                    && value(now, "jetconnect_source_invalid_total", "pipeline", "mirror") >= 1
                    && value(now, "jetconnect_source_invalid_total", "pipeline", "tail") >= 1;
        });
        scrape = Scrape.parse(runtime.get("/metrics").body());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runtime != null) {
            assertEquals(0, runtime.terminate(), runtime.output());
            runtime.close();
        }
    }

    private static double value(Scrape scrape, String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return scrape.samplesNamed(name).stream()
                .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet()))
                .mapToDouble(s -> Double.parseDouble(s.value())).sum();
    }

    /** @return the words of {@link #CATALOGUED_PLUGINS} that a zip in the distribution's plugins/ is named after */
    private static Set<String> shippedPlugins() throws Exception {
        {
            // Shipped expanded, one folder per plugin zip of the build: named as the zip would be.
            List<String> zips = RuntimeProcess.builtInPluginFolders().stream().map(p -> p.getFileName() + ".zip")
                    .toList();
            Set<String> found = new TreeSet<>();
            for (String plugin : CATALOGUED_PLUGINS) {
                if (zips.stream().anyMatch(z -> z.matches("(jetconnect-)?" + plugin + "(-[0-9].*)?\\.zip"))) {
                    found.add(plugin);
                }
            }
            return found;
        }
    }

    static Path projectRoot() {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path p = module; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/metrics.md"))) {
                return p;
            }
        }
        throw new IllegalStateException("no docs/metrics.md above " + module);
    }

    /** @return the rows of every table of docs/metrics.md whose first cell is a backquoted metric name */
    static List<Row> catalogue() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(projectRoot().resolve("docs/metrics.md"))) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.substring(1, line.lastIndexOf('|')).split("\\|", -1);
            assertEquals(6, cells.length, "metric | type | labels | appears | meaning | alert: " + line);
            rows.add(new Row(unquote(cells[0]), cells[1].trim(), names(cells[2]), cells[3].trim(), names(cells[5])));
        }
        assertFalse(rows.isEmpty(), "docs/metrics.md has no metric rows");
        return rows;
    }

    private static String unquote(String cell) {
        String t = cell.trim();
        assertTrue(t.matches("`[a-z_:][a-z0-9_:]*`"), "a metric name in backquotes: " + cell);
        return t.substring(1, t.length() - 1);
    }

    /** @return the backquoted names of a cell ("—" for none) */
    private static Set<String> names(String cell) {
        Set<String> out = new TreeSet<>();
        for (String part : cell.split(",")) {
            String t = part.trim();
            if (!t.isEmpty() && !t.equals("—")) {
                assertTrue(t.matches("`[A-Za-z_][A-Za-z0-9_]*`"), "a backquoted name: '" + t + "' in " + cell);
                out.add(t.substring(1, t.length() - 1));
            }
        }
        return out;
    }

    private static boolean required(Row row) {
        // Every jetconnect metric must show: this test creates the conditions for each. Of the JVM's, those the
        // catalogue says depend on the garbage collector's behaviour or kind may be absent.
        return row.name().startsWith("jetconnect_") || row.appears().equals("always");
    }

    @Test
    void theDistributionShipsEveryPluginWhoseMetricsAreCatalogued() {
        Set<String> missing = new TreeSet<>(CATALOGUED_PLUGINS);
        missing.removeAll(shipped);
        assertEquals(Set.of(), missing, "docs/metrics.md documents the metrics of these plugins, but the "
                + "distribution's plugins/ does not ship them: add their zips to distribution/pom.xml");
    }

    @Test
    void everyDocumentedMetricIsExportedWithItsTypeAndLabels() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Row row : catalogue()) {
            if (!seen.add(row.name())) {
                problems.add(row.name() + " is documented twice");
            }
            String type = scrape.families().get(row.name());
            if (type == null) {
                if (required(row)) {
                    problems.add(row.name() + " is documented but not exported");
                }
                continue;
            }
            if (!type.equals(row.type())) {
                problems.add(row.name() + " is documented as a " + row.type() + " but exported as a " + type);
            }
            if (!scrape.labelsOf(row.name()).equals(row.labels())) {
                problems.add(row.name() + " is documented with labels " + row.labels() + " but exported with "
                        + scrape.labelsOf(row.name()));
            }
        }
        assertEquals(List.of(), problems, "docs/metrics.md against /metrics:\n" + String.join("\n", problems));
    }

    @Test
    void everyExportedMetricIsDocumented() throws Exception {
        Set<String> documented = catalogue().stream().map(Row::name).collect(Collectors.toSet());
        Set<String> undocumented = new TreeSet<>(scrape.families().keySet());
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "exported by /metrics but not in docs/metrics.md");
        assertTrue(scrape.families().keySet().stream().filter(n -> n.startsWith("jetconnect_")).count() >= 20,
                scrape.families().toString());
    }

    @Test
    void theCatalogueNamesTheAlertsEachMetricFeeds() throws Exception {
        Map<String, Row> rows = new LinkedHashMap<>();
        catalogue().forEach(r -> rows.put(r.name(), r));
        Map<String, Set<String>> fedBy = new LinkedHashMap<>();
        for (JsonNode rule : alertRules()) {
            String alert = rule.path("alert").asText();
            for (String metric : PromQlCheck.scan(rule.path("expr").asText()).metrics()) {
                if (PromQlCheck.TARGET_SERIES.contains(metric)) {
                    continue; // up: Prometheus' own series of the target
                }
                String family = scrape.familyOf(metric);
                fedBy.computeIfAbsent(family == null ? metric : family, k -> new TreeSet<>()).add(alert);
            }
        }
        List<String> problems = new ArrayList<>();
        fedBy.forEach((metric, alerts) -> {
            Row row = rows.get(metric);
            if (row == null) {
                problems.add(metric + " (read by " + alerts + ") is not in docs/metrics.md");
            } else if (!row.alerts().equals(alerts)) {
                problems.add(metric + " feeds " + alerts + " but docs/metrics.md says " + row.alerts());
            }
        });
        rows.values().stream().filter(r -> !r.alerts().isEmpty() && !fedBy.containsKey(r.name()))
                .forEach(r -> problems.add(r.name() + " is documented as feeding " + r.alerts()
                        + ", which do not read it"));
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    private static List<JsonNode> alertRules() throws Exception {
        JsonNode root = YAML.readTree(RuntimeProcess.home().resolve("monitoring/jetconnect-alerts.yml").toFile());
        List<JsonNode> rules = new ArrayList<>();
        root.path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    @Test
    void theAlertRulesPassASchemaCheck() throws Exception {
        Path file = shipped("monitoring/jetconnect-alerts.yml");
        JsonNode root = YAML.readTree(file.toFile());
        List<String> problems = new ArrayList<>();
        assertTrue(root != null && root.isObject(), "the rule file is a YAML mapping");
        assertEquals(List.of("groups"), fieldNames(root), "the rule file's only top-level key is groups");
        JsonNode groups = root.get("groups");
        assertTrue(groups.isArray() && !groups.isEmpty(), "groups is a non-empty list");
        Set<String> groupNames = new LinkedHashSet<>();
        Set<String> alerts = new LinkedHashSet<>();
        for (JsonNode group : groups) {
            String name = group.path("name").asText("");
            if (name.isBlank() || !groupNames.add(name)) {
                problems.add("a group needs a unique, non-empty name: '" + name + "'");
            }
            for (String key : fieldNames(group)) {
                if (!GROUP_KEYS.contains(key)) {
                    problems.add("group " + name + ": unknown key '" + key + "'");
                }
            }
            if (!group.path("rules").isArray() || group.path("rules").isEmpty()) {
                problems.add("group " + name + ": rules must be a non-empty list");
                continue;
            }
            for (JsonNode rule : group.get("rules")) {
                problems.addAll(ruleProblems(rule, alerts));
            }
        }
        List<String> missing = new ArrayList<>(REQUIRED_ALERTS);
        missing.removeAll(alerts);
        if (!missing.isEmpty()) {
            problems.add("missing alerts " + missing);
        }
        assertEquals(List.of(), problems, file + ":\n" + String.join("\n", problems));
    }

    private static List<String> ruleProblems(JsonNode rule, Set<String> alerts) {
        List<String> problems = new ArrayList<>();
        String alert = rule.path("alert").asText("");
        String where = "rule '" + alert + "': ";
        if (!alert.matches("[A-Z][a-z0-9]+([A-Z][a-z0-9]*)*")) {
            problems.add(where + "alert must be a CamelCase name");
        }
        if (!alerts.add(alert)) {
            problems.add(where + "alert name used twice");
        }
        for (String key : fieldNames(rule)) {
            if (!RULE_KEYS.contains(key)) {
                problems.add(where + "unknown key '" + key + "'");
            }
        }
        if (!rule.path("expr").isTextual() || rule.path("expr").asText().isBlank()) {
            problems.add(where + "expr must be a non-empty string");
            return problems;
        }
        PromQlCheck expr = PromQlCheck.scan(rule.get("expr").asText()).against(scrape);
        expr.problems().forEach(p -> problems.add(where + p));
        if (expr.metrics().isEmpty()) {
            problems.add(where + "expr reads no metric");
        }
        for (String key : new String[] {"for", "keep_firing_for"}) {
            if (rule.has(key) && !(rule.get(key).isTextual() && rule.get(key).asText().matches(PROMETHEUS_DURATION)
                    && !rule.get(key).asText().isEmpty())) {
                problems.add(where + key + " '" + rule.get(key).asText() + "' is not a Prometheus duration");
            }
        }
        String severity = rule.path("labels").path("severity").asText("");
        if (!SEVERITIES.contains(severity)) {
            problems.add(where + "labels.severity must be one of " + SEVERITIES + ", not '" + severity + "'");
        }
        rule.path("labels").fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                problems.add(where + "label " + e.getKey() + " must be a string");
            }
        });
        String summary = rule.path("annotations").path("summary").asText("");
        if (summary.isBlank()) {
            problems.add(where + "annotations.summary is required");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = rule.path("annotations").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> annotation = it.next();
            problems.addAll(templateProblems(where + "annotations." + annotation.getKey() + ": ",
                    annotation.getValue().asText(), expr));
        }
        return problems;
    }

    /** Templates must balance {{ }}, and every $labels.x must be a label the expression's result can carry. */
    private static List<String> templateProblems(String where, String text, PromQlCheck expr) {
        List<String> problems = new ArrayList<>();
        if (text.split("\\{\\{", -1).length != text.split("}}", -1).length) {
            problems.add(where + "unbalanced {{ }}");
        }
        Set<String> available = new TreeSet<>(PromQlCheck.TARGET_LABELS);
        if (!expr.groupingLabels().isEmpty()) {
            available.addAll(expr.groupingLabels());
        } else {
            expr.metrics().stream().map(scrape::familyOf).filter(f -> f != null)
                    .forEach(f -> available.addAll(scrape.labelsOf(f)));
        }
        Matcher m = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)").matcher(text);
        while (m.find()) {
            if (!available.contains(m.group(1))) {
                problems.add(where + "$labels." + m.group(1) + " is not a label of the result " + available);
            }
        }
        return problems;
    }

    /** @return a file of the distribution's, which it must ship */
    private static Path shipped(String relative) {
        Path file = RuntimeProcess.home().resolve(relative);
        assertTrue(Files.isRegularFile(file), "the distribution ships " + relative);
        return file;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theDashboardParsesAndEveryPanelQueriesExportedMetrics() throws Exception {
        Path file = shipped("monitoring/jetconnect-dashboard.json");
        JsonNode dashboard = JSON.readTree(file.toFile());
        assertFalse(dashboard.path("title").asText("").isBlank(), "the dashboard has a title");
        assertTrue(dashboard.path("panels").isArray() && !dashboard.path("panels").isEmpty(), "panels");
        List<String> problems = new ArrayList<>();
        Set<Integer> ids = new LinkedHashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.path("title").asText("");
            String where = "panel '" + title + "': ";
            if (title.isBlank()) {
                problems.add("a panel without a title");
            }
            if (!ids.add(panel.path("id").asInt(-1))) {
                problems.add(where + "id missing or used twice");
            }
            if (!panel.path("targets").isArray() || panel.path("targets").isEmpty()) {
                problems.add(where + "no targets");
                continue;
            }
            for (JsonNode target : panel.get("targets")) {
                String expr = target.path("expr").asText("");
                if (expr.isBlank()) {
                    problems.add(where + "a target with no expr");
                    continue;
                }
                PromQlCheck check = PromQlCheck.scan(expr).against(scrape);
                check.problems().forEach(p -> problems.add(where + expr + ": " + p));
                if (check.metrics().isEmpty()) {
                    problems.add(where + expr + ": reads no metric");
                }
            }
        }
        assertEquals(List.of(), problems, file + ":\n" + String.join("\n", problems));
    }

    @Test
    void theSchemaCheckCatchesWhatItClaimsTo() {
        // The checker itself, on expressions that must fail: so a green run above means something.
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("rate(jetconnect_dlq_spilled_total[5m]", "unclosed");
        broken.put("rat(jetconnect_dlq_spilled_total[5m])", "unknown function 'rat'");
        broken.put("jetconnect_dlq_spiled_total > 0", "not exported");
        broken.put("rate(jetconnect_dlq_spilled_total[5 minutes])", "malformed range");
        broken.put("jetconnect_dlq_events{pipeline=\"no-such-pipeline\"} > 0", "matches no exported series");
        broken.put("sum by (pipline) (jetconnect_dlq_events)", "grouping label 'pipline'");
        broken.put("jetconnect_dlq_events{pipeline=ingest}", "malformed label matchers");
        broken.forEach((expr, expected) -> {
            List<String> problems = PromQlCheck.scan(expr).against(scrape).problems();
            assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), expr + " -> " + problems);
        });
        for (String fine : Arrays.asList("max by (instance, pipeline, sink) (jetconnect_sink_circuit_state) == 1",
                "histogram_quantile(0.99, sum by (le, pipeline) (rate(jetconnect_sink_publish_seconds_bucket[1m])))",
                "jetconnect_dlq_bytes / jetconnect_dlq_max_bytes > 0.8",
                "sum(jvm_memory_used_bytes{area=\"heap\", id=~\".+\"}) by (instance) offset 5m")) {
            assertEquals(List.of(), PromQlCheck.scan(fine).against(scrape).problems(), fine);
        }
    }
}
