package io.jetconnect.distribution;

import io.jetconnect.spi.TypeName;
import org.pf4j.Extension;

/** Bad-input corpus, plugin cases: an extension whose superclass the plugin jar does not carry. */
@Extension
@TypeName("orphan")
public final class OrphanSink extends OrphanSinkBase {
}
