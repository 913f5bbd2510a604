package io.jetconnect.plugins.http;

import java.util.Set;

/**
 * What one credential may write: its tenants, or any tenant ({@code *}). Immutable.
 *
 * @param principal a name for logs: a certificate's principal, or where a token is declared ({@code tokens:3}),
 *     never the token
 * @param tenants the tenants it may write; empty when {@code anyTenant}
 * @param anyTenant whether it may write every tenant
 */
record Grant(String principal, Set<String> tenants, boolean anyTenant) {

    static final String ANY = "*";

    Grant {
        tenants = Set.copyOf(tenants);
    }

    static Grant of(String principal, java.util.Collection<String> tenants) {
        boolean any = tenants.contains(ANY);
        return new Grant(principal, any ? Set.of() : Set.copyOf(tenants), any);
    }

    boolean allows(String tenant) {
        return anyTenant || tenants.contains(tenant);
    }

    /** @return its one tenant, or null when it has several or any */
    String soleTenant() {
        return !anyTenant && tenants.size() == 1 ? tenants.iterator().next() : null;
    }
}
