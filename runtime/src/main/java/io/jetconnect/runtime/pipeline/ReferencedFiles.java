package io.jetconnect.runtime.pipeline;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files a pipeline's blocks name (every setting whose key ends in {@code -file}: an ingest tokens file, a
 * signing key), each by a digest of its content. A reload compares them with those the pipeline started with, so
 * that a rotated token or key file restarts the pipeline even when {@code pipeline.conf} did not change. Only the
 * digests are kept, never the content.
 */
final class ReferencedFiles {

    private static final String SUFFIX = "-file";

    private ReferencedFiles() {
    }

    /** @return element path and setting, to a digest of the file's content ({@code absent} if unreadable) */
    static Map<String, String> of(ResolvedPipeline pipeline) {
        Map<String, String> out = new TreeMap<>();
        java.util.List<ResolvedElement> elements = new java.util.ArrayList<>(pipeline.sinks());
        elements.add(pipeline.source());
        for (ResolvedElement element : elements) {
            for (Map.Entry<String, ConfigValue> setting : element.spec().block().entrySet()) {
                ConfigValue value = setting.getValue();
                if (setting.getKey().endsWith(SUFFIX) && value.valueType() == ConfigValueType.STRING) {
                    out.put(element.spec().path() + "." + setting.getKey(), digest((String) value.unwrapped()));
                }
            }
        }
        return out;
    }

    private static String digest(String file) {
        if (file.isBlank()) {
            return "none";
        }
        try {
            byte[] content = Files.readAllBytes(Path.of(file));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (IOException | InvalidPathException e) {
            return "absent";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
