package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Single-thread throughput of the ways to sign an event, in events per second (median of RUNS runs of SECONDS
 * each, after as long a warm-up). Not a test (no {@code Test} suffix, so neither surefire nor failsafe runs it):
 * <pre>
 * ./mvnw -q -pl plugins/sign test-compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java \
 *     -Dexec.classpathScope=test -Dexec.mainClass=io.jetconnect.plugins.sign.SignBenchmark -Dexec.args="3 2"
 * </pre>
 */
public final class SignBenchmark {

    private static volatile Object sink;

    private SignBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        CloudEvent event = CloudEventBuilder.v1()
                .withId("6f1c7d1e-3b0a-4f55-9b55-0d6f4c1a9e21")
                .withSource(URI.create("/orders/eu-west-1"))
                .withType("com.example.order.created")
                .withTime(OffsetDateTime.parse("2025-03-01T12:00:00.123Z"))
                .withSubject("order-1234")
                .withDataContentType("application/json")
                .withExtension("tenant", "acme")
                .withExtension("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .withData(("{\"order\":1234,\"customer\":\"c-987\",\"items\":[{\"sku\":\"A-1\",\"qty\":2},"
                        + "{\"sku\":\"B-7\",\"qty\":1}],\"total\":\"59.90\",\"currency\":\"EUR\"}")
                        .getBytes(StandardCharsets.UTF_8))
                .build();
        byte[] message = CanonicalForm.encode(event);
        System.out.printf("canonical form: %d bytes; %d runs of %.1f s after %.1f s warm-up; events/s%n",
                message.length, runs, seconds, seconds);

        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 9);
        HmacKey hmac = new HmacKey("h", secret);
        Ed25519Key ed = Ed25519Key.ofPrivate("e", seed);
        KeyPair jdkPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Ed25519PrivateKeyParameters bcPrivate = new Ed25519PrivateKeyParameters(seed);
        ThreadLocal<Mac> threadMac = ThreadLocal.withInitial(() -> newMac(secret));
        ThreadLocal<Signature> threadSignature = ThreadLocal.withInitial(() -> {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(jdkPair.getPrivate());
                return s;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] edSignature = ed.sign(message);
        EventSigner hmacSigner = new EventSigner(hmac);
        EventSigner edSigner = new EventSigner(ed);
        KeyRing ring = new KeyRing(List.of(ed));
        CloudEvent signed = edSigner.sign(event);

        bench("ed25519 JDK Signature, new per event", runs, seconds, () -> {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(jdkPair.getPrivate());
                s.update(message);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        bench("ed25519 JDK Signature, one per thread", runs, seconds, () -> {
            try {
                Signature s = threadSignature.get();
                s.update(message);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        bench("ed25519 BC Ed25519Signer, new per event", runs, seconds, () -> {
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, bcPrivate);
            s.update(message, 0, message.length);
            return s.generateSignature();
        });
        bench("ed25519 BC rfc8032.Ed25519.sign (used)", runs, seconds, () -> ed.sign(message));
        bench("ed25519 BC verify", runs, seconds, () -> ed.verify(message, edSignature));
        bench("hmac-sha256 Mac.getInstance per event", runs, seconds, () -> newMac(secret).doFinal(message));
        bench("hmac-sha256 Mac per thread (ThreadLocal)", runs, seconds, () -> threadMac.get().doFinal(message));
        bench("hmac-sha256 clone of a prototype (used)", runs, seconds, () -> hmac.sign(message));
        bench("canonical form only", runs, seconds, () -> CanonicalForm.encode(event));
        bench("sign decorator path, hmac-sha256", runs, seconds, () -> hmacSigner.sign(event));
        bench("sign decorator path, ed25519", runs, seconds, () -> edSigner.sign(event));
        bench("verify path, ed25519", runs, seconds, () -> ring.verify(signed));
    }

    private static Mac newMac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bench(String name, int runs, double seconds, Supplier<Object> operation) {
        measure(operation, seconds);
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            rates.add(measure(operation, seconds));
        }
        List<Double> sorted = new ArrayList<>(rates);
        sorted.sort(null);
        StringBuilder all = new StringBuilder();
        for (double rate : rates) {
            all.append(all.length() == 0 ? "" : ", ").append(String.format("%.0f", rate));
        }
        System.out.printf("%-44s %10.0f   (%s)%n", name, sorted.get(sorted.size() / 2), all);
    }

    private static double measure(Supplier<Object> operation, double seconds) {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long count = 0;
        long elapsed;
        do {
            for (int i = 0; i < 64; i++) {
                sink = operation.get();
            }
            count += 64;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        return count / (elapsed / 1e9);
    }
}
