package io.jetconnect.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigOverridesTest {

    @Test
    void takesJetconnectPropertiesButNotTheLaunchersOwn() {
        Properties props = new Properties();
        props.setProperty("jetconnect.http.port", "9001");
        props.setProperty("jetconnect.shutdown-timeout", "5s");
        props.setProperty("jetconnect.home", "/opt/jetconnect");
        props.setProperty("jetconnect.log.level", "WARN");
        props.setProperty("java.home", "/usr/lib/jvm");
        Config c = ConfigOverrides.fromProperties(props);
        assertEquals(9001, c.getInt("jetconnect.http.port"));
        assertEquals("5s", c.getString("jetconnect.shutdown-timeout"));
        assertFalse(c.hasPath("jetconnect.home"));
        assertFalse(c.hasPath("jetconnect.log"));
        assertFalse(c.hasPath("java"));
        assertEquals("system property (-D)", c.getValue("jetconnect.http.port").origin().description());
    }
}
