package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the distribution ships to install it: the systemd unit (verified by systemd itself), the licence, the changelog. */
class ServiceUnitIT {

    @TempDir
    Path work;

    private static Path unit() {
        return RuntimeProcess.home().resolve("systemd/jetconnect.service");
    }

    private static boolean systemdAnalyze() {
        try {
            Process p = new ProcessBuilder("systemd-analyze", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** @return exit code and output of systemd-analyze verify on the unit, its /opt/jetconnect pointed at the build */
    private String verify(String unitText) throws Exception {
        Path copy = Files.writeString(work.resolve("jetconnect.service"),
                unitText.replace("/opt/jetconnect", RuntimeProcess.home().toString()));
        Process p = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() + "\n" + output.strip();
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerify() throws Exception {
        assumeTrue(systemdAnalyze(), "systemd-analyze is not installed (.ci/run installs it)");
        String text = Files.readString(unit());
        assertEquals("0\n", verify(text));
        // The check can fail: a misspelt key or a missing binary is reported.
        String broken = verify(text.replace("ProtectHome=", "ProtectHomee=").replace("bin/jetconnect run",
                "bin/jetconect run"));
        assertTrue(broken.contains("Unknown key 'ProtectHomee'"), broken);
        assertTrue(broken.startsWith("1\n") && broken.contains("not executable"), broken);
    }

    @Test
    void theUnitRunsAsAServiceUserAndReloadsOnHup() throws Exception {
        String text = Files.readString(unit());
        for (String line : new String[] {"User=jetconnect", "StateDirectory=jetconnect",
                "ExecStart=/opt/jetconnect/bin/jetconnect run --config /etc/jetconnect/pipeline.conf",
                "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "NoNewPrivileges=true",
                "ProtectSystem=strict"}) {
            assertTrue(text.lines().anyMatch(line::equals), line);
        }
    }

    @Test
    void theDistributionShipsTheLicenceAndTheChangelog() throws Exception {
        String licence = Files.readString(RuntimeProcess.home().resolve("LICENSE"));
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0, January 2004")
                && licence.contains("END OF TERMS AND CONDITIONS"), "LICENSE is not the Apache-2.0 text");
        String changelog = Files.readString(RuntimeProcess.home().resolve("CHANGELOG.md"));
        assertTrue(changelog.contains("### Upgrade notes"), changelog);
    }
}
