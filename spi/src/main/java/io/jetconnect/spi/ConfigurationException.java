package io.jetconnect.spi;

/**
 * Configuration that cannot work. The message starts with the origin of the offending value, as
 * {@code pipeline.conf:12: Invalid value at 'jetconnect.pipelines.ingest.sinks[0].subject': ...}, so that
 * {@code jetconnect check} can print it as it is. Build one with {@link ConnectorConfig#invalid}.
 */
public class ConfigurationException extends JetconnectException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
