package io.jetconnect.runtime.http;

/** A request's text echoed in an error, cut short. */
final class JsonText {

    private JsonText() {
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
