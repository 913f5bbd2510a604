package io.jetconnect.plugins.jetstream;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One event on its way to the stream: its encoded message, its stage, and where it stands.
 *
 * <p>The state packs the number of times the event was sent (upper bits) with its kind (two low bits):
 * {@link #UNSENT}, {@link #IN_FLIGHT}, {@link #FAILED} (retriable, waiting to be re-published) or {@link #DONE}
 * (its stage is completed, or about to be). A PubAck settles the event only by moving it from the exact
 * {@code IN_FLIGHT} state it was sent with, so an answer to an earlier send, or one that arrives after the sink gave
 * up on that send, changes nothing. The other fields are guarded by the {@link Publisher}'s lock.
 *
 * <p>The event is its own PubAck callback for its first send, the common case, so that sending allocates nothing
 * of the sink's beyond this object; re-sends use an {@link Resend}.
 */
final class Pending implements BiConsumer<Message, Throwable> {

    static final int UNSENT = 0;
    static final int IN_FLIGHT = 1;
    static final int FAILED = 2;
    static final int DONE = 3;

    /** The state of an event in flight for the first time. */
    static final int FIRST_SEND = state(1, IN_FLIGHT);

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Pending.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The event id, for messages; its identity is {@link #messageId()}. */
    final String id;
    /** The subject it is published to. */
    final String subject;
    /** Released once the event is done, with the body. */
    Headers headers;
    /** Read from the headers while they are fresh in the cache; the window reads it again long after. */
    private final String messageId;
    final long startNanos;
    final CompletableFuture<Void> stage = new CompletableFuture<>();
    private final Publisher publisher;
    /**
     * Released once the event is done: a done event stays in the window until the sink's next emit advances it, and
     * a pipeline that took a batch and then waits kept every event of the batch alive (100 busy pipelines among a
     * thousand kept 10 MiB of done events, which young collections copied again and again).
     */
    byte[] body;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    /**
     * The stream acknowledged it (a PubAck, or a duplicate's). Written by the thread that settles the send before it
     * settles the window; read by the lock holder once the window passed the event or nothing is in flight.
     */
    boolean stored;
    // Written under the publisher's lock before the event is sent; read by the thread that settles the send.
    /** Its ticket in the {@link PublishWindow}'s ordered window. */
    long ticket;
    ConnectionEpoch epoch;
    long sentNanos;
    PublishErrors.Failure lastFailure;

    Pending(Publisher publisher, String id, String subject, Headers headers, byte[] body, long startNanos) {
        this.publisher = publisher;
        this.id = id;
        this.subject = subject;
        this.headers = headers;
        this.messageId = headers.getFirst(EventEncoder.MSG_ID);
        this.body = body;
        this.startNanos = startNanos;
    }

    /**
     * @return its {@code Nats-Msg-Id}, the identity the stream deduplicates on (made of source and id by default),
     *     which the window remembers as the floor passes it
     */
    String messageId() {
        return messageId;
    }

    /** Lets go of the encoded message once the event is done: nothing sends it again. */
    void release() {
        body = null;
        headers = null;
    }

    /** @return the packed state */
    int state() {
        return state;
    }

    /** @return {@link #UNSENT}, {@link #IN_FLIGHT}, {@link #FAILED} or {@link #DONE} */
    int kind() {
        return state & 3;
    }

    /** @return how many times the event was sent, or counted as tried */
    int attempts() {
        return state >>> 2;
    }

    /** @return the kind packed in a state */
    static int kindOf(int state) {
        return state & 3;
    }

    /** @return the state of an event sent {@code attempts} times, of the given kind */
    static int state(int attempts, int kind) {
        return attempts << 2 | kind;
    }

    /** @return the state with the same number of attempts and another kind */
    static int withKind(int state, int kind) {
        return (state & ~3) | kind;
    }

    /** Moves to {@code next} only from {@code expected}. */
    boolean transition(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /** Sets the state; only under the publisher's lock, from a state no other thread moves away from. */
    void state(int next) {
        state = next;
    }

    @Override
    public void accept(Message reply, Throwable error) {
        publisher.settle(this, FIRST_SEND, reply, error);
    }

    /** The PubAck callback of a re-send. */
    static final class Resend implements BiConsumer<Message, Throwable> {

        private final Pending pending;
        private final int sentState;

        Resend(Pending pending, int sentState) {
            this.pending = pending;
            this.sentState = sentState;
        }

        @Override
        public void accept(Message reply, Throwable error) {
            pending.publisher.settle(pending, sentState, reply, error);
        }
    }
}
