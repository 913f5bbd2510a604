package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.CursorStore;
import java.util.OptionalLong;

/** {@code cursor = none}: nothing is stored, so every start begins where the source's {@code start} says. */
final class NoCursorStore implements CursorStore {

    @Override
    public OptionalLong load(String key) {
        return OptionalLong.empty();
    }

    @Override
    public void store(String key, long position) {
        // deliberately nothing
    }
}
