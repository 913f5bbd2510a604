package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.testing.TestContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevKeyTest {

    @TempDir
    Path dir;

    @Test
    void generatesAnOwnerOnlyKeyOnceAndSaysSo() throws Exception {
        Path key = dir.resolve("keys/dev.key");
        SignSettings first = SignSettings.load(TestContexts.of("sign")
                .config("key-file = \"" + key + "\", generate-if-missing = true").connectorConfig());
        assertTrue(Files.exists(key));
        assertEquals(32, Base64.getDecoder().decode(Files.readString(key).trim()).length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(first.warnings().stream().anyMatch(w -> w.startsWith("generated a development HMAC signing key")),
                first.warnings().toString());
        String content = Files.readString(key);
        SignSettings second = SignSettings.load(TestContexts.of("sign")
                .config("key-file = \"" + key + "\", generate-if-missing = true").connectorConfig());
        assertEquals(content, Files.readString(key), "an existing key is never replaced");
        assertFalse(second.warnings().stream().anyMatch(w -> w.startsWith("generated")));
    }

    @Test
    void isOffByDefaultAndNeverForEd25519() {
        Path key = dir.resolve("missing.key");
        assertThrows(ConfigurationException.class, () -> SignSettings.load(TestContexts.of("sign")
                .config("key-file = \"" + key + "\"").connectorConfig()));
        assertFalse(Files.exists(key));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SignSettings.load(
                TestContexts.of("sign").config("key-file = \"" + key + "\", algorithm = ed25519, "
                        + "generate-if-missing = true").connectorConfig()));
        assertTrue(e.getMessage().contains("generate-if-missing"), e.getMessage());
    }

    @Test
    void aGeneratedKeySignsUnderAnIdOfItsOwnAndAKeyIdSetByTheUserWins() throws Exception {
        Path one = dir.resolve("one/dev-signing.key");
        Path two = dir.resolve("two/dev-signing.key");
        String first = SignSettings.load(TestContexts.of("sign")
                .config("key-file = \"" + one + "\", generate-if-missing = true").connectorConfig()).signer().key().id();
        String second = SignSettings.load(TestContexts.of("sign")
                .config("key-file = \"" + two + "\", generate-if-missing = true").connectorConfig()).signer().key().id();
        assertTrue(first.matches("dev-[0-9a-f]{8}"), first);
        assertTrue(second.matches("dev-[0-9a-f]{8}"), second);
        assertFalse(first.equals(second), "two development keys, two ids");
        assertEquals(first, DevKey.keyId(one), "the same file keeps its id across starts");
        String named = SignSettings.load(TestContexts.of("sign").config("key-file = \"" + one
                + "\", generate-if-missing = true, key-id = mine").connectorConfig()).signer().key().id();
        assertEquals("mine", named);
        // A key file of an earlier version (no generate-if-missing) keeps its file-name id.
        String plain = SignSettings.load(TestContexts.of("sign").config("key-file = \"" + one + "\"")
                .connectorConfig()).signer().key().id();
        assertEquals("dev-signing", plain);
    }
}
