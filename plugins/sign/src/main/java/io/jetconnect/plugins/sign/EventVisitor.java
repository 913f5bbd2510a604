package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;

/** Receives what a {@code verify} input yields, in order. */
interface EventVisitor {

    /** @param where where the event came from, such as {@code line 3} or {@code seq 17} */
    void event(String where, CloudEvent event);

    /** @param reason why the input at {@code where} is not a CloudEvent; printable */
    void unreadable(String where, String reason);
}
