package io.jetconnect.spi;

/**
 * Configuration that cannot work. The message starts with the origin of the offending value, as
 * {@code pipeline.conf:12: Invalid value at 'jetconnect.pipelines.ingest.sinks[0].subject': ...}, so that
 * {@code jetconnect check} can print it as it is. Build one with {@link ConnectorConfig#invalid}.
 */
public class ConfigurationException extends JetconnectException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the origin of the offending value and what is wrong with it, as
     *     {@code pipeline.conf:12: Invalid value at '...': ...}; without secrets
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * @param message the origin of the offending value and what is wrong with it; without secrets
     * @param cause the underlying failure; may be null
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
