package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificatePrincipalTest {

    private static final X509Certificate CERT = TestCertificates.client("CN=client-a,OU=ingest,O=Example",
            List.of("Ingest.Example.com", "b.example.com"), List.of("ops@example.com"));

    @Test
    void commonName() {
        assertEquals(List.of("client-a"), CertificatePrincipal.CN.names(CERT));
    }

    @Test
    void dnsNamesInOrderLowerCase() {
        assertEquals(List.of("ingest.example.com", "b.example.com"), CertificatePrincipal.SAN_DNS.names(CERT));
    }

    @Test
    void emailNames() {
        assertEquals(List.of("ops@example.com"), CertificatePrincipal.SAN_EMAIL.names(CERT));
    }

    @Test
    void wholeSubjectInRfc2253Form() {
        assertEquals(List.of("CN=client-a,OU=ingest,O=Example"), CertificatePrincipal.SUBJECT.names(CERT));
    }

    @Test
    void aCertificateWithoutTheNameHasNone() {
        X509Certificate bare = TestCertificates.client("O=Example");
        assertEquals(List.of(), CertificatePrincipal.CN.names(bare));
        assertEquals(List.of(), CertificatePrincipal.SAN_DNS.names(bare));
        assertEquals(List.of(), CertificatePrincipal.SAN_EMAIL.names(bare));
    }

    @Test
    void modesAreWrittenAsTheSettingNamesThem() {
        assertEquals("san-dns", io.jetconnect.spi.Setting.choiceName(CertificatePrincipal.SAN_DNS));
        assertEquals("san-email", io.jetconnect.spi.Setting.choiceName(CertificatePrincipal.SAN_EMAIL));
    }
}
