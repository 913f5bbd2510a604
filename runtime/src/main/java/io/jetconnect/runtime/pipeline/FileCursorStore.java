package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.RetriableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Cursors as small files under the pipeline's data directory, one per key. A store writes a temporary file,
 * syncs it, renames it over the old one and syncs the directory, so that a crash leaves either the old or the new
 * position, never a torn one.
 */
public final class FileCursorStore implements CursorStore, ListableCursors {

    private final Path dir;

    public FileCursorStore(Path dir) {
        this.dir = dir;
    }

    private Path file(String key) {
        if (!key.matches("[A-Za-z0-9_.-]+") || key.startsWith(".")) {
            throw new IllegalArgumentException("cursor key must be letters, digits, '.', '-' or '_': " + key);
        }
        return dir.resolve(key + ".cursor");
    }

    @Override
    public OptionalLong load(String key) {
        try {
            String text = Files.readString(file(key), StandardCharsets.US_ASCII).trim();
            return OptionalLong.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            throw new RetriableException("cannot read cursor '" + key + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Long> all() {
        Map<String, Long> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cursor"))
                    .map(n -> n.substring(0, n.length() - ".cursor".length()))
                    .forEach(key -> load(key).ifPresent(v -> out.put(key, v)));
        } catch (IOException e) {
            throw new RetriableException("cannot list cursors in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized void store(String key, long position) {
        Path target = file(key);
        Path tmp = dir.resolve(key + ".cursor.tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap((position + "\n").getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            } catch (IOException ignored) {
                // Not every platform can open a directory for sync; the rename itself was atomic.
            }
        } catch (IOException e) {
            throw new RetriableException("cannot store cursor '" + key + "' in " + dir + ": " + e.getMessage(), e);
        }
    }
}
