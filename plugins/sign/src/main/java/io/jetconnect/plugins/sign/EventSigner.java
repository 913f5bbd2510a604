package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.spi.JetconnectException;
import java.util.Base64;

/** Signs events with one key: a copy of the event with {@code sigalg}, {@code sigkeyid} and {@code sig}. Thread-safe. */
final class EventSigner {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SignatureKey key;

    EventSigner(SignatureKey key) {
        if (!key.canSign()) {
            throw new IllegalArgumentException(key + " cannot sign");
        }
        this.key = key;
    }

    SignatureKey key() {
        return key;
    }

    /**
     * @param event the event; any signature attributes it has are replaced
     * @return the signed copy
     * @throws JetconnectException if the event has no canonical form, or any other failure, naming the event: the
     *     layers fail that event alone with it
     */
    CloudEvent sign(CloudEvent event) {
        try {
            byte[] signature = key.sign(CanonicalForm.parts(event));
            return CloudEventBuilder.from(event)
                    .withExtension(CanonicalForm.SIGALG, key.algorithm().id())
                    .withExtension(CanonicalForm.SIGKEYID, key.id())
                    .withExtension(CanonicalForm.SIG, BASE64URL.encodeToString(signature))
                    .build();
        } catch (JetconnectException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JetconnectException("cannot sign event " + event.getId() + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "EventSigner[" + key + "]";
    }
}
