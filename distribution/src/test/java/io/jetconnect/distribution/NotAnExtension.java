package io.jetconnect.distribution;

import io.jetconnect.spi.TypeName;

/**
 * Bad-input corpus, plugin cases: a class listed in a plugin's {@code extensions.idx} that implements no jetconnect
 * extension point.
 */
@TypeName("not-an-extension")
public final class NotAnExtension implements Runnable {

    @Override
    public void run() {
    }
}
