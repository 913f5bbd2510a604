package io.jetconnect.plugins.http;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The names a client certificate (the leaf of the chain the listener verified) goes by, as configured by
 * {@code auth.mtls.principal}: its subject's common name, its DNS or e-mail subject alternative names, or its whole
 * subject in RFC 2253 form ({@code CN=client-a,O=Example}). The listener has verified the chain; this class only
 * reads names from it. Written as {@link io.jetconnect.spi.Setting#choice} names them ({@code san-dns}).
 * Immutable and thread-safe.
 */
enum CertificatePrincipal {
    CN, SAN_DNS, SAN_EMAIL, SUBJECT;

    /** The general name types of RFC 5280: rfc822Name (e-mail) and dNSName. */
    private static final int SAN_EMAIL_TYPE = 1;
    private static final int SAN_DNS_TYPE = 2;

    /**
     * @param leaf the client's certificate
     * @return the names it goes by in this mode, in certificate order; empty if it has none
     */
    List<String> names(X509Certificate leaf) {
        return switch (this) {
            case SUBJECT -> List.of(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253));
            case CN -> commonNames(leaf);
            case SAN_DNS -> alternativeNames(leaf, SAN_DNS_TYPE);
            case SAN_EMAIL -> alternativeNames(leaf, SAN_EMAIL_TYPE);
        };
    }

    private static List<String> commonNames(X509Certificate leaf) {
        try {
            LdapName name = new LdapName(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253));
            List<String> out = new ArrayList<>();
            // LdapName lists RDNs from the right; the most specific CN comes last there.
            List<Rdn> rdns = name.getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                Rdn rdn = rdns.get(i);
                if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String value) {
                    out.add(value);
                }
            }
            return out;
        } catch (InvalidNameException e) {
            return List.of();
        }
    }

    private static List<String> alternativeNames(X509Certificate leaf, int type) {
        Collection<List<?>> names;
        try {
            names = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (names == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (List<?> name : names) {
            if (name.size() >= 2 && name.get(0) instanceof Integer t && t == type && name.get(1) instanceof String v) {
                // Host names and the domain part of addresses compare without case; keep configured names simple.
                out.add(type == SAN_DNS_TYPE ? v.toLowerCase(Locale.ROOT) : v);
            }
        }
        return out;
    }
}
