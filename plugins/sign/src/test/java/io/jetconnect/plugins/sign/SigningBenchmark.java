package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.jetconnect.testing.MicroBenchmark;
import io.jetconnect.testing.SampleEvents;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The {@code sign} layer's work per event: the canonical form alone, then the whole signing path (canonical
 * form, signature, the signed copy) with HMAC-SHA256 and with Ed25519, on an event of about 1 KiB like the ones
 * {@code jetconnect bench} sends. Run with the others as docs/performance.md says ({@code -Pjmh}).
 * {@link SignBenchmark} compares the ways of signing that were considered.
 */
public class SigningBenchmark extends MicroBenchmark {

    private CloudEvent event;
    private EventSigner hmac;
    private EventSigner ed25519;

    @Setup
    public void setUp() {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 9);
        hmac = new EventSigner(new HmacKey("bench-hmac", secret));
        ed25519 = new EventSigner(Ed25519Key.ofPrivate("bench-ed25519", seed));
        event = SampleEvents.measured();
    }

    @Benchmark
    public byte[] canonicalForm() {
        return CanonicalForm.encode(event);
    }

    @Benchmark
    public CloudEvent hmacSha256() {
        return hmac.sign(event);
    }

    @Benchmark
    public CloudEvent ed25519() {
        return ed25519.sign(event);
    }
}
