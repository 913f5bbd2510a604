package io.jetconnect.plugins.sign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The committed test vectors of docs/signing-vectors, found from the module's directory. */
final class Vectors {

    private Vectors() {
    }

    static Path dir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path vectors = dir.resolve("docs").resolve("signing-vectors");
            if (Files.isDirectory(vectors)) {
                return vectors;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("docs/signing-vectors not found above " + Path.of("").toAbsolutePath());
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    static List<String> lines(String name) {
        try {
            return Files.readAllLines(file(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
