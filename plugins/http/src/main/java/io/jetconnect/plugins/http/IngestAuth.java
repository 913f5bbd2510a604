package io.jetconnect.plugins.http;

import io.jetconnect.nats.EventTenant;
import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.IngressRequest;
import io.jetconnect.spi.Setting;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who may write to a pipeline ({@code source.auth}): no one is asked ({@code none}), a bearer token of the tokens
 * file ({@code token}), the client certificate the listener verified ({@code mtls}), or either
 * ({@code token-or-mtls}: a token, when one is presented, must be valid; without one the certificate counts).
 * Read once per start of the source, so a reload, which recreates the pipeline, re-reads the tokens file.
 * Immutable and thread-safe.
 */
final class IngestAuth {

    /** Written in {@code auth.mode} as {@link Setting#choice} names them: {@code token-or-mtls}. */
    enum Mode {
        NONE(false, false),
        TOKEN(true, false),
        MTLS(false, true),
        TOKEN_OR_MTLS(true, true);

        final boolean token;
        final boolean mtls;

        Mode(boolean token, boolean mtls) {
            this.token = token;
            this.mtls = mtls;
        }
    }

    private static final Setting<Mode> MODE = Setting.choice("auth.mode", Mode.class);
    private static final String TOKENS_FILE = "auth.tokens-file";
    private static final Setting<CertificatePrincipal> MTLS_PRINCIPAL =
            Setting.choice("auth.mtls.principal", CertificatePrincipal.class);
    private static final String MTLS_TENANTS = "auth.mtls.tenants";
    private static final Setting<Boolean> FILL_TENANT = Setting.flag("auth.fill-tenant");

    /** Why a request was not authenticated, as counted in {@code jetconnect.http.auth{outcome}}. */
    enum Failure {
        MISSING("missing", "credentials required"),
        INVALID("invalid", "invalid credentials");

        final String outcome;
        final String message;

        Failure(String outcome, String message) {
            this.outcome = outcome;
            this.message = message;
        }
    }

    /** The outcome of authenticating a request: a grant, or why there is none. */
    record Result(Grant grant, Failure failure) {
    }

    static final IngestAuth NONE = new IngestAuth(Mode.NONE, null, null, Map.of(), false);
    private static final String BEARER = "bearer ";

    private final Mode mode;
    private final TokenTable tokens;
    private final CertificatePrincipal principal;
    private final Map<String, Grant> certificateGrants;
    private final boolean fillTenant;

    IngestAuth(Mode mode, TokenTable tokens, CertificatePrincipal principal, Map<String, Grant> certificateGrants,
               boolean fillTenant) {
        this.mode = mode;
        this.tokens = tokens;
        this.principal = principal;
        this.certificateGrants = Map.copyOf(certificateGrants);
        this.fillTenant = fillTenant;
    }

    /**
     * @throws io.jetconnect.spi.ConfigurationException naming the offending key's file and line; a tokens file's
     *     problems name that file and line, never a token
     */
    static IngestAuth from(ConnectorConfig config) {
        Mode mode = config.get(MODE);
        boolean fill = config.get(FILL_TENANT);
        if (mode == Mode.NONE) {
            return NONE;
        }
        TokenTable tokens = null;
        if (mode.token) {
            if (!config.hasPath(TOKENS_FILE) || config.getString(TOKENS_FILE).isBlank()) {
                throw config.invalid(TOKENS_FILE, "required when auth.mode is " + Setting.choiceName(mode));
            }
            try {
                tokens = TokenTable.read(Path.of(config.getString(TOKENS_FILE)));
            } catch (IllegalArgumentException e) {
                throw config.invalid(TOKENS_FILE, e.getMessage());
            }
        }
        CertificatePrincipal principal = null;
        Map<String, Grant> grants = new HashMap<>();
        if (mode.mtls) {
            principal = config.get(MTLS_PRINCIPAL);
            ConnectorConfig tenants = config.getConfig(MTLS_TENANTS);
            for (String name : tenants.keys()) {
                String path = "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                List<String> granted = tenants.getStringList(path);
                String problem = TenantNames.problem(granted);
                if (problem != null) {
                    throw tenants.invalid(path, problem);
                }
                String key = principal == CertificatePrincipal.SAN_DNS ? name.toLowerCase(Locale.ROOT) : name;
                grants.put(key, Grant.of(key, granted));
            }
            if (grants.isEmpty()) {
                throw config.invalid(MTLS_TENANTS, "maps no principal to tenants; auth.mode " + Setting.choiceName(mode)
                        + " would refuse every certificate");
            }
        }
        return new IngestAuth(mode, tokens, principal, grants, fill);
    }

    boolean enabled() {
        return mode != Mode.NONE;
    }

    boolean fillTenant() {
        return fillTenant;
    }

    /** Whether a 401 carries {@code WWW-Authenticate: Bearer}: only when a token would be taken. */
    boolean challengesBearer() {
        return mode.token;
    }

    Result authenticate(IngressRequest request) {
        Optional<String> authorization = request.header("authorization");
        if (mode.token && authorization.isPresent()) {
            String value = authorization.get();
            if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return new Result(null, Failure.INVALID);
            }
            Grant grant = tokens.find(value.substring(BEARER.length()).strip());
            return grant == null ? new Result(null, Failure.INVALID) : new Result(grant, null);
        }
        if (mode.mtls) {
            List<X509Certificate> chain = request.peerCertificates();
            if (chain != null && !chain.isEmpty()) {
                for (String name : principal.names(chain.get(0))) {
                    Grant grant = certificateGrants.get(name);
                    if (grant != null) {
                        return new Result(grant, null);
                    }
                }
                return new Result(null, Failure.INVALID);
            }
        }
        return new Result(null, Failure.MISSING);
    }

    /**
     * Binds a request's events to the grant: each event's tenant, read as the jetstream sink reads it
     * ({@link EventTenant}), must be one the grant allows. With {@code fill-tenant} an event without a tenant gets
     * the grant's only tenant, if it has exactly one; an event without a tenant otherwise counts as tenant
     * {@code single}, the subject the sink would store it under.
     *
     * @return the events to emit, filled in where asked
     * @throws RequestRejection (403) naming the first event at fault; then nothing of the request is emitted
     */
    List<io.cloudevents.CloudEvent> bind(Grant grant, List<io.cloudevents.CloudEvent> events) {
        String sole = fillTenant ? grant.soleTenant() : null;
        List<io.cloudevents.CloudEvent> out = null;
        for (int i = 0; i < events.size(); i++) {
            io.cloudevents.CloudEvent event = events.get(i);
            EventTenant.Reading reading = EventTenant.read(event);
            if (sole != null && reading instanceof EventTenant.Fillable fillable) {
                if (out == null) {
                    out = new java.util.ArrayList<>(events);
                }
                io.cloudevents.CloudEvent filled = TenantFill.fill(event, fillable, sole);
                // Checked again as the sink will read it: a fill that did not land where the sink looks (data that
                // is not UTF-8, say) must not pass as granted.
                if (!sole.equals(EventTenant.tenantOf(filled))) {
                    throw RequestRejection.forbidden("the event's tenant could not be filled in (its data is not a "
                            + "UTF-8 JSON object); send it with a tenantId", i);
                }
                out.set(i, filled);
                continue;
            }
            String tenant = reading.tenant();
            if (tenant == null || !grant.allows(tenant)) {
                throw RequestRejection.forbidden(describe(reading, tenant) + " is not a tenant these credentials "
                        + "may write", i);
            }
        }
        return out == null ? events : out;
    }

    private static String describe(EventTenant.Reading reading, String tenant) {
        if (reading instanceof EventTenant.Named) {
            String shown = tenant.length() > 64 ? tenant.substring(0, 61) + "..." : tenant;
            return "the event's tenantId '" + shown + "'";
        }
        if (reading instanceof EventTenant.NotScalar) {
            return "the event's tenantId (an object or an array)";
        }
        return "the event has no tenantId; its tenant, '" + EventTenant.SINGLE + "',";
    }
}
