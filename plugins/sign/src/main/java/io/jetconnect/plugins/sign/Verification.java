package io.jetconnect.plugins.sign;

/**
 * The outcome of checking one event's signature.
 *
 * @param status what was found
 * @param reason why an event is invalid; empty otherwise
 */
record Verification(Status status, String reason) {

    enum Status { VALID, INVALID, UNSIGNED }

    static final Verification VALID = new Verification(Status.VALID, "");
    static final Verification UNSIGNED = new Verification(Status.UNSIGNED, "");

    static Verification invalid(String reason) {
        return new Verification(Status.INVALID, reason);
    }
}
