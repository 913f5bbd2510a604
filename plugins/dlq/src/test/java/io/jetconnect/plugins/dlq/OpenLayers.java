package io.jetconnect.plugins.dlq;

import io.jetconnect.testing.TestContexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The dlq layers a test opens, each halted after the test (as a crash would leave them: nothing flushed on the
 * way out). Registered as a field, {@code @RegisterExtension final OpenLayers layers = new OpenLayers();}.
 */
final class OpenLayers implements AfterEachCallback {

    private final List<DlqSink> open = new ArrayList<>();
    private TestContexts contexts;

    /** @return a layer on {@code dataDir} in front of {@code inner}, on the real file system */
    DlqSink open(Path dataDir, FakeSink inner) {
        return open(dataDir, inner, "", FileOps.REAL);
    }

    /** @return a layer on {@code dataDir} in front of {@code inner}, with {@link DlqSinkTest#FAST} plus {@code hocon} */
    DlqSink open(Path dataDir, io.jetconnect.spi.EventSink inner, String hocon, FileOps files) {
        contexts = TestContexts.of("dlq").config(DlqSinkTest.FAST + hocon).dataDir(dataDir);
        DlqSink layer = DlqDecorator.open(contexts.sink(), inner, files);
        open.add(layer);
        return layer;
    }

    /** @return the contexts of the layer opened last: its metrics and actions */
    TestContexts contexts() {
        return contexts;
    }

    /** Asserts that the metrics of the layer opened last have {@code line} in their scrape. */
    void assertMetric(String line) {
        DlqSinkTest.assertMetric(contexts, line);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        open.forEach(DlqSink::halt);
        open.clear();
    }
}
