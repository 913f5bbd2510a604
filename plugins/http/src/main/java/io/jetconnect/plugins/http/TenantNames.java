package io.jetconnect.plugins.http;

import java.util.List;

/**
 * Checks the tenants a credential is granted: each one subject token (the jetstream sink publishes to
 * {@code ...{tenantId}...}, so a name with {@code .}, a wildcard or whitespace could never be stored) or {@code *}.
 */
final class TenantNames {

    private TenantNames() {
    }

    /** @return what is wrong with the list, or null if nothing is */
    static String problem(List<String> tenants) {
        if (tenants.isEmpty()) {
            return "no tenant given; name at least one, or * for any";
        }
        for (String tenant : tenants) {
            if (tenant.isEmpty()) {
                return "an empty tenant name";
            }
            if (tenant.equals(Grant.ANY)) {
                if (tenants.size() > 1) {
                    return "* (any tenant) must stand alone";
                }
                continue;
            }
            for (int i = 0; i < tenant.length(); i++) {
                char c = tenant.charAt(i);
                if (c == '.' || c == '*' || c == '>' || c <= 0x20 || c == 0x7f || c == ',') {
                    return "a tenant name must be one NATS subject token (no '.', '*', '>', ',' or whitespace)";
                }
            }
        }
        return null;
    }
}
