package io.jetconnect.isolation;

import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;

/** The {@link VersionReporter} of the first isolation-test plugin. */
@Extension
@TypeName("reporter-a")
public final class ReporterA extends VersionReporter {
}
