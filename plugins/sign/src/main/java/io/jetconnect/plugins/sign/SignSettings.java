package io.jetconnect.plugins.sign;

import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.Setting;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code sign} block, read and checked: either one key ({@code key-file}, {@code key-id}, {@code algorithm})
 * or a list of {@code keys} of which {@code signing-key-id} signs and every one verifies. Defaults live in
 * reference.conf.
 *
 * @param signer the signer, with the signing key
 * @param ring every configured key, by id
 * @param warnings what to log at startup (key files accessible by group or others)
 * @param threads how many threads compute signatures; 0: the thread that emits signs
 * @param maxQueued with threads, how many events may wait for their signature or an earlier one's
 * @param retryAfter with threads, the Retry-After of the backpressure past {@code maxQueued}
 */
record SignSettings(EventSigner signer, KeyRing ring, List<String> warnings, int threads, int maxQueued,
                    Duration retryAfter) {

    private static final Setting<SignatureAlgorithm> ALGORITHM = Setting.choice("algorithm", SignatureAlgorithm.class);
    static final String KEY_FILE = "key-file";
    private static final String GENERATE_IF_MISSING = "generate-if-missing";
    static final String KEY_ID = "key-id";
    private static final String KEYS = "keys";
    private static final String SIGNING_KEY_ID = "signing-key-id";
    private static final String THREADS = "threads";
    /** The ordered window of the signing threads is allocated whole: keep it to a few MiB at most. */
    static final Setting<Integer> MAX_QUEUED = Setting.integer("max-queued", 1, 1 << 20);
    static final Setting<Duration> RETRY_AFTER = Setting.duration("retry-after");
    /** More threads than this only contend for the cores the broker and the rest of the chain need. */
    static final int MAX_THREADS = 64;
    private static final Set<String> ENTRY_KEYS = Set.of(KEY_ID, ALGORITHM.path(), KEY_FILE);

    SignSettings {
        warnings = List.copyOf(warnings);
    }

    /**
     * @param config the block over reference.conf
     * @return the settings
     * @throws io.jetconnect.spi.ConfigurationException naming the offending path, never a key's content
     */
    static SignSettings load(ConnectorConfig config) {
        SignatureAlgorithm defaultAlgorithm = config.get(ALGORITHM);
        List<? extends ConnectorConfig> entries = config.getConfigList(KEYS);
        String keyFile = config.getString(KEY_FILE).isEmpty() ? "" : config.getPath(KEY_FILE).toString();
        String keyId = config.getString(KEY_ID);
        String signingKeyId = config.getString(SIGNING_KEY_ID);
        List<String> warnings = new ArrayList<>();
        List<SignatureKey> keys = new ArrayList<>();
        SignatureKey signing;

        if (entries.isEmpty()) {
            if (keyFile.isEmpty()) {
                throw config.invalid(KEY_FILE, "the signing key's file is required (or list several under keys)");
            }
            if (config.getBoolean(GENERATE_IF_MISSING)) {
                if (defaultAlgorithm != SignatureAlgorithm.HMAC_SHA256) {
                    throw config.invalid(GENERATE_IF_MISSING, "only a development hmac-sha256 key can be generated");
                }
                try {
                    if (DevKey.createIfMissing(Path.of(keyFile))) {
                        warnings.add("generated a development HMAC signing key at " + keyFile
                                + "; use a key of your own (key-file) for anything but development");
                    }
                } catch (java.io.IOException | InvalidPathException e) {
                    throw config.invalid(KEY_FILE, "cannot create a development key there: " + e.getMessage());
                }
            }
            if (!signingKeyId.isEmpty()) {
                throw config.invalid(SIGNING_KEY_ID, "applies only to keys; with key-file, key-id names the key");
            }
            String devId = null;
            if (config.getBoolean(GENERATE_IF_MISSING) && config.getString(KEY_ID).isEmpty()) {
                try {
                    devId = DevKey.keyId(Path.of(keyFile));
                } catch (java.io.IOException e) {
                    throw config.invalid(KEY_FILE, "cannot read the development key: " + e.getMessage());
                }
            }
            signing = load(config, defaultAlgorithm, warnings, devId);
            keys.add(signing);
        } else {
            if (!keyFile.isEmpty() || !keyId.isEmpty()) {
                throw config.invalid(keyFile.isEmpty() ? KEY_ID : KEY_FILE,
                        "set either key-file (and key-id) or keys, not both");
            }
            for (ConnectorConfig entry : entries) {
                for (String key : entry.keys()) {
                    if (!ENTRY_KEYS.contains(key)) {
                        throw entry.invalid(key, "unknown key in an entry of keys; known: key-id, algorithm, key-file");
                    }
                }
                if (!entry.hasPath(KEY_FILE) || entry.getString(KEY_FILE).isEmpty()) {
                    throw entry.invalid(KEY_FILE, "every entry of keys needs key-file");
                }
                SignatureAlgorithm algorithm =
                        entry.hasPath(ALGORITHM.path()) ? entry.get(ALGORITHM) : defaultAlgorithm;
                SignatureKey key = load(entry, algorithm, warnings, null);
                for (SignatureKey other : keys) {
                    if (other.id().equals(key.id())) {
                        throw entry.invalid(entry.hasPath(KEY_ID) ? KEY_ID : KEY_FILE,
                                "key id " + key.id() + " is used by another entry of keys");
                    }
                }
                keys.add(key);
            }
            signing = signingKeyId.isEmpty() ? keys.get(0) : keys.stream()
                    .filter(k -> k.id().equals(signingKeyId))
                    .findFirst()
                    .orElseThrow(() -> config.invalid(SIGNING_KEY_ID, "no entry of keys has key-id " + signingKeyId));
        }
        if (!signing.canSign()) {
            ConnectorConfig where = entries.isEmpty() ? config : entries.get(keys.indexOf(signing));
            throw where.invalid(KEY_FILE, "key " + signing.id() + " is an Ed25519 public key; signing needs the "
                    + "private key (PKCS#8 PEM)");
        }
        return new SignSettings(new EventSigner(signing), new KeyRing(keys), warnings,
                threads(config, signing.algorithm(), Runtime.getRuntime().availableProcessors()),
                config.get(MAX_QUEUED), config.get(RETRY_AFTER));
    }

    /**
     * {@code auto}: an Ed25519 key signs on one thread per core, at most 4 (a signature takes ~35 us); an HMAC key
     * on the emitting thread, since handing an event to another thread costs more than its MAC.
     */
    static int threads(ConnectorConfig config, SignatureAlgorithm algorithm, int cores) {
        String value = config.getString(THREADS).trim();
        if (value.equals("auto")) {
            return algorithm == SignatureAlgorithm.ED25519 ? Math.min(cores, 4) : 0;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0 && n <= MAX_THREADS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw config.invalid(THREADS, "must be auto or a number of threads from 0 to " + MAX_THREADS);
    }

    /** Loads the key of a block holding key-file and, optionally, key-id. */
    private static SignatureKey load(ConnectorConfig block, SignatureAlgorithm algorithm, List<String> warnings,
                                     String devId) {
        Path file;
        try {
            file = block.getPath(KEY_FILE);
        } catch (InvalidPathException e) {
            throw block.invalid(KEY_FILE, "is not a valid path");
        }
        boolean explicitId = block.hasPath(KEY_ID) && !block.getString(KEY_ID).isEmpty();
        String id = explicitId ? block.getString(KEY_ID) : devId != null ? devId : KeyFiles.defaultKeyId(file);
        if (!KeyFiles.validKeyId(id)) {
            throw block.invalid(explicitId ? KEY_ID : KEY_FILE, "key id '" + id.replaceAll("[^\\x20-\\x7E]", "?")
                    + "' is not 1 to 64 of A-Za-z0-9._- starting with a letter or digit"
                    + (explicitId ? "" : " (it is the file name up to the first dot); set key-id"));
        }
        SignatureKey key;
        try {
            key = KeyFiles.read(file, id, algorithm);
        } catch (KeyFileException e) {
            throw block.invalid(KEY_FILE, "key file " + file + " " + e.getMessage());
        }
        if (key.secret()) {
            KeyFiles.permissionWarning(file).ifPresent(warnings::add);
        }
        return key;
    }
}
