package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;

/**
 * What the {@link Drainer} handed on, in log order, and has not acknowledged yet: a record sent to the sink, an
 * undecodable record or a corrupt range, with its delivery in the drainer's window. Fields other than
 * {@link #status} and {@link #error} are the drainer thread's; those two are written by whoever settles it.
 */
final class DrainEntry {

    /**
     * Where an entry stands. Its delivery in the window is settled with {@code OK} or {@code QUARANTINED}
     * (succeeded) and with {@code RETRY} or {@code RESEND} (failed); {@code PERMANENT} and {@code UNDECODABLE} wait,
     * unsettled, to be quarantined at the head of the window or, behind a retriable failure, to be sent again.
     */
    enum Status { PENDING, OK, RETRY, PERMANENT, UNDECODABLE, QUARANTINING, QUARANTINED, RESEND }

    final Segment segment;
    final long offset;
    final long end;
    final boolean record;
    /** The event sent, or null for a corrupt range or an undecodable record. */
    final CloudEvent event;
    long ticket;
    volatile Status status = Status.PENDING;
    volatile Throwable error;
    /** An undecodable record's first byte and payload, copied: the reader's buffer moves on. */
    byte version;
    byte[] payload;

    DrainEntry(Segment segment, long offset, long end, boolean record, CloudEvent event) {
        this.segment = segment;
        this.offset = offset;
        this.end = end;
        this.record = record;
        this.event = event;
    }

    /** @return whether the drainer waits for it: its send or its quarantine line is not done yet */
    boolean waiting() {
        Status o = status;
        return o == Status.PENDING || o == Status.QUARANTINING;
    }

    /** @return whether it failed for good and waits to be quarantined (or, behind a failure, sent again) */
    boolean rejected() {
        Status o = status;
        return o == Status.PERMANENT || o == Status.UNDECODABLE;
    }
}
