package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamProvisionerTest {

    @ParameterizedTest
    @CsvSource({
            "t.>, t.*.v1, true",
            "t.*.v1, t.*.v1, true",
            "t.*.*, t.*.v1, true",
            ">, a, true",
            "t.acme.v1, t.*.v1, false",
            "t.*, t.*.v1, false",
            "t.>, t, false",
            "u.>, t.*.v1, false",
            "t.*.v1.>, t.*.v1, false",
            "a.b, a.b, true"})
    void capturesEverySubjectOfTheTemplate(String filter, String subject, boolean expected) {
        assertEquals(expected, StreamProvisioner.captures(filter, subject));
    }

    @Test
    void durationsReadAsInPipelineConf() {
        assertEquals("90d", StreamProvisioner.human(Duration.ofDays(90)));
        assertEquals("1h30m", StreamProvisioner.human(Duration.ofMinutes(90)));
        assertEquals("45s", StreamProvisioner.human(Duration.ofSeconds(45)));
        assertEquals("1.500s", StreamProvisioner.human(Duration.ofMillis(1500)));
        assertEquals("0s", StreamProvisioner.human(Duration.ZERO));
    }
}
