package io.jetconnect.runtime.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses what a web browser can be made to send, with or without an admin token: a request whose {@code Host} is
 * not one this listener goes by ({@code 421}: DNS rebinding, where a page's own name comes to resolve to
 * 127.0.0.1), and, for mutating admin calls (any method but GET, HEAD and OPTIONS on {@code /v1/...}, ingest
 * excepted), a request sent by another site ({@code 403}: an {@code Origin} other than the request's own host, or
 * {@code Sec-Fetch-Site: cross-site}) or one a page may send without asking the server first ({@code 415}: neither
 * {@code Content-Type: application/json} nor {@code X-Jetconnect-Request: 1}, the "simple requests" of CORS).
 *
 * <p>Knows nothing of the transport: plain values in, a {@link Decision} out, so that any HTTP server can call it
 * before routing. Immutable and thread-safe.
 */
public final class AdminGuard {

    /** The header a non-browser client may send instead of a JSON content type. */
    public static final String REQUEST_HEADER = "x-jetconnect-request";

    /** What to do with a request: serve it ({@code status == 0}) or answer {@code status} with {@code reason}. */
    public record Decision(int status, String reason) {

        static final Decision ALLOW = new Decision(0, null);

        public boolean allowed() {
            return status == 0;
        }
    }

    private static final String ANY = "*";
    private static final String EVENTS_PREFIX = "/v1/pipelines/";
    private static final String EVENTS_SUFFIX = "/events";

    private final Set<String> allowedHosts;
    private final boolean anyHost;

    /**
     * @param allowedHosts the names and addresses the listener answers to ({@code jetconnect.http.allowed-hosts});
     *     {@code *} allows any
     * @param bindHost the listener's bind address, always allowed
     */
    public AdminGuard(List<String> allowedHosts, String bindHost) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String host : allowedHosts) {
            hosts.add(normalize(host));
        }
        hosts.add(normalize(bindHost));
        this.anyHost = allowedHosts.contains(ANY);
        this.allowedHosts = Set.copyOf(hosts);
    }

    /**
     * @return what is wrong with a configured list of hosts, or null if nothing is
     */
    public static String problem(List<String> hosts) {
        for (String host : hosts) {
            if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c == ',')) {
                return "each entry must be a host name or address (without scheme, path or port), or *";
            }
        }
        return null;
    }

    /**
     * @param method the request's method, upper case
     * @param path its path, without the query
     * @param headers its headers, names lower case
     * @return whether to serve it
     */
    public Decision check(String method, String path, Map<String, List<String>> headers) {
        List<String> hostValues = headers.getOrDefault("host", List.of());
        if (hostValues.size() > 1) {
            return new Decision(421, "more than one Host header");
        }
        String host = hostValues.isEmpty() ? null : hostValues.get(0).strip();
        if (host != null && !anyHost && !allowedHosts.contains(normalize(hostPart(host)))) {
            return new Decision(421, "this listener does not answer to that Host; add it to "
                    + "jetconnect.http.allowed-hosts if clients reach it by that name");
        }
        if (isWebSocket(headers)) {
            // A browser lets any page open a WebSocket to any host and read what comes back (no same-origin rule, no
            // preflight), so a page's upgrade to the live feed would read stored events: only the same origin may.
            String origin = first(headers, "origin");
            if (origin != null && !sameOrigin(origin, host)) {
                return new Decision(403, "cross-site WebSocket connections are refused (Origin does not match Host)");
            }
            return Decision.ALLOW;
        }
        if (!mutatingAdmin(method, path)) {
            return Decision.ALLOW;
        }
        String site = first(headers, "sec-fetch-site");
        if ("cross-site".equalsIgnoreCase(site)) {
            return new Decision(403, "cross-site requests may not call the admin API");
        }
        String origin = first(headers, "origin");
        if (origin != null && !sameOrigin(origin, host)) {
            return new Decision(403, "cross-site requests may not call the admin API (Origin does not match Host)");
        }
        String type = first(headers, "content-type");
        boolean json = type != null && essence(type).equals("application/json");
        if (!json && !"1".equals(first(headers, REQUEST_HEADER))) {
            return new Decision(415, "admin calls that change state need Content-Type: application/json "
                    + "(or the header X-Jetconnect-Request: 1)");
        }
        return Decision.ALLOW;
    }

    private static boolean isWebSocket(Map<String, List<String>> headers) {
        String upgrade = first(headers, "upgrade");
        return upgrade != null && upgrade.strip().equalsIgnoreCase("websocket");
    }

    static boolean mutatingAdmin(String method, String path) {
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || !path.startsWith("/v1/")) {
            return false;
        }
        boolean ingest = path.startsWith(EVENTS_PREFIX) && path.endsWith(EVENTS_SUFFIX)
                && path.length() > EVENTS_PREFIX.length() + EVENTS_SUFFIX.length();
        return !ingest;
    }

    /** An Origin matches when its host and port are the request's Host's (a missing port being the scheme's). */
    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme();
        if (uri.getHost() == null || scheme == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            return false; // "null", opaque or malformed origins
        }
        int defaultPort = scheme.equalsIgnoreCase("https") ? 443 : scheme.equalsIgnoreCase("http") ? 80 : -1;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        int hostPort = portPart(host, defaultPort);
        return originPort == hostPort && normalize(uri.getHost()).equals(normalize(hostPart(host)));
    }

    /** @return the host of a {@code Host} value: {@code [::1]:8083} gives {@code [::1]}, {@code a:1} gives a */
    static String hostPart(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 || host.indexOf(':', colon + 1) >= 0 ? host : host.substring(0, colon);
    }

    private static int portPart(String host, int defaultPort) {
        int end = host.startsWith("[") ? host.indexOf(']') : -1;
        int colon = host.indexOf(':', Math.max(end, 0));
        if (colon < 0 || host.startsWith("[") && colon < end) {
            return defaultPort;
        }
        try {
            return Integer.parseInt(host.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    /** Lower case, without IPv6 brackets or a trailing dot, so that configured and sent names compare. */
    static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    private static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** @return the allowed hosts, normalised, for messages and tests */
    List<String> allowedHosts() {
        return new ArrayList<>(allowedHosts);
    }
}
