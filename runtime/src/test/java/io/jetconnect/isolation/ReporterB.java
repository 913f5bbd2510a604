package io.jetconnect.isolation;

import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;

/** The {@link VersionReporter} of the second isolation-test plugin. */
@Extension
@TypeName("reporter-b")
public final class ReporterB extends VersionReporter {
}
