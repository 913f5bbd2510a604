package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.CursorStore;
import java.util.OptionalLong;

/** {@code cursor = none}: nothing is stored, so every start begins where the source's {@code start} says. */
final class NoCursorStore implements CursorStore, ListableCursors {

    @Override
    public OptionalLong load(String key) {
        return OptionalLong.empty();
    }

    @Override
    public java.util.Map<String, Long> all() {
        return java.util.Map.of();
    }

    @Override
    public void store(String key, long position) {
        // deliberately nothing
    }
}
