package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.JetconnectException;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys that verify events, by key id. An event verifies when its {@code sigkeyid} names a key of the ring,
 * its {@code sigalg} is that key's algorithm and its {@code sig} is that key's signature of the event's
 * canonical bytes. Immutable and thread-safe.
 */
final class KeyRing {

    private final Map<String, SignatureKey> keys;

    /** @throws IllegalArgumentException if two keys have the same id */
    KeyRing(Collection<? extends SignatureKey> keys) {
        Map<String, SignatureKey> byId = new LinkedHashMap<>();
        for (SignatureKey key : keys) {
            if (byId.putIfAbsent(key.id(), key) != null) {
                throw new IllegalArgumentException("key id " + key.id() + " is given twice");
            }
        }
        this.keys = Map.copyOf(byId);
    }

    int size() {
        return keys.size();
    }

    Verification verify(CloudEvent event) {
        Object sig = event.getExtension(CanonicalForm.SIG);
        Object algorithm = event.getExtension(CanonicalForm.SIGALG);
        Object keyId = event.getExtension(CanonicalForm.SIGKEYID);
        if (sig == null && algorithm == null && keyId == null) {
            return Verification.UNSIGNED;
        }
        if (sig == null || algorithm == null || keyId == null) {
            return Verification.invalid("incomplete signature: missing " + (sig == null ? CanonicalForm.SIG
                    : algorithm == null ? CanonicalForm.SIGALG : CanonicalForm.SIGKEYID));
        }
        SignatureKey key = keys.get(keyId.toString());
        if (key == null) {
            return Verification.invalid("unknown key id " + printable(keyId.toString()));
        }
        if (!key.algorithm().id().equals(algorithm.toString())) {
            return Verification.invalid("sigalg " + printable(algorithm.toString()) + " is not the algorithm of key "
                    + key.id() + " (" + key.algorithm().id() + ")");
        }
        byte[] signature = decode(sig.toString());
        if (signature == null || signature.length != key.algorithm().signatureLength()) {
            return Verification.invalid("malformed sig: not " + key.algorithm().signatureLength()
                    + " bytes in base64url without padding");
        }
        byte[] canonical;
        try {
            canonical = CanonicalForm.encode(event);
        } catch (JetconnectException e) {
            return Verification.invalid(e.getMessage());
        }
        return key.verify(canonical, signature) ? Verification.VALID : Verification.invalid("signature mismatch");
    }

    private static byte[] decode(String sig) {
        for (int i = 0; i < sig.length(); i++) {
            char c = sig.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!alphabet) {
                return null;
            }
        }
        try {
            return Base64.getUrlDecoder().decode(sig);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Keeps attacker-controlled text printable and short in reports. */
    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return '"' + cut.replaceAll("[^\\x20-\\x7E]", "?") + '"';
    }

    @Override
    public String toString() {
        return "KeyRing" + keys.values();
    }
}
