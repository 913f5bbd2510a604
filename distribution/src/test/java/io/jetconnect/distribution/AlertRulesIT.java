package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules under Prometheus' own tools: {@code promtool check rules} and {@code promtool test rules}
 * on {@code jetconnect-alerts.test.yml}, which must hold a case for every alert. Skipped (an assumption) where
 * promtool is not installed; {@code .ci/run} installs Debian's {@code prometheus} package, which has it.
 */
class AlertRulesIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Path monitoring() {
        return MonitoringIT.projectRoot().resolve("distribution/src/monitoring");
    }

    private static Path promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** @return promtool's output; fails the test on a non-zero exit */
    private static String run(Path promtool, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(monitoring().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void everyAlertHasAUnitTestCase() throws Exception {
        Set<String> alerts = new TreeSet<>();
        YAML.readTree(monitoring().resolve("jetconnect-alerts.yml").toFile()).path("groups")
                .forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").asText())));
        Set<String> tested = new TreeSet<>();
        JsonNode tests = YAML.readTree(monitoring().resolve("jetconnect-alerts.test.yml").toFile());
        assertEquals(List.of("jetconnect-alerts.yml"), YAML.convertValue(tests.path("rule_files"), List.class));
        tests.path("tests").forEach(t -> t.path("alert_rule_test").forEach(c -> {
            if (!c.path("exp_alerts").isEmpty()) {
                tested.add(c.path("alertname").asText()); // a case where it fires, not only where it does not
            }
        }));
        Set<String> untested = new TreeSet<>(alerts);
        untested.removeAll(tested);
        assertEquals(Set.of(), untested, "alerts without a firing case in jetconnect-alerts.test.yml");
        assertTrue(alerts.size() >= 12, alerts.toString());
    }

    @Test
    void promtoolChecksAndTestsTheRules() throws Exception {
        Path promtool = promtool();
        Assumptions.assumeTrue(promtool != null, "promtool is not on PATH (Debian: apt-get install prometheus)");
        assertTrue(run(promtool, "check", "rules", "jetconnect-alerts.yml").contains("SUCCESS"));
        assertTrue(run(promtool, "test", "rules", "jetconnect-alerts.test.yml").contains("SUCCESS"));
    }
}
