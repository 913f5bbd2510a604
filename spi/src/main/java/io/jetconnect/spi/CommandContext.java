package io.jetconnect.spi;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link CliCommand} gets from the runtime: standard output and error, and the settings of the loaded
 * {@code pipeline.conf}. All methods return non-null values.
 */
public interface CommandContext {

    /** @return where results go */
    PrintStream out();

    /** @return where errors and usage go */
    PrintStream err();

    /** @return how to reach NATS */
    NatsSettings nats();

    /** @return the declared streams, by key */
    Map<String, StreamSpec> streams();

    /** @return {@code jetconnect.data-dir}, resolved */
    Path dataDir();
}
