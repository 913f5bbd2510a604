package io.jetconnect.testing;

/** Certificates for tests that need a file that parses, not a working TLS peer. */
public final class TestCertificates {

    /** A self-signed EC CA certificate (PEM) whose key was thrown away: the NATS settings read a CA file they name. */
    public static final String CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBkDCCATegAwIBAgIULhjR94ZKsIYRhybC+SLLnSVCkb8wCgYIKoZIzj0EAwIw
            HTEbMBkGA1UEAwwSamV0Y29ubmVjdC10ZXN0LWNhMCAXDTI2MTIwNzA0NTgyMVoY
            DzIxMjYxMTEzMDQ1ODIxWjAdMRswGQYDVQQDDBJqZXRjb25uZWN0LXRlc3QtY2Ew
            WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASBlJEimQJwo2lnJklSAo8irWbW5TPR
            03DFrR4p/1fjTixhJVa9ktpV5B6xBiUV0sqf8Ru7ivEZd0fKLsMxAri/o1MwUTAd
            BgNVHQ4EFgQUq4zDI5mQ4oM+647viUDi7m//evAwHwYDVR0jBBgwFoAUq4zDI5mQ
            4oM+647viUDi7m//evAwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBE
            AiAtvzjcbS85j2R9j4SxGuhPgcxaiFaiPg9g0bqHZEl+JgIgU1+2Lh0Nz2+PVLrd
            giG4RKOD4jn6VKNMzP1eAdVqcS8=
            -----END CERTIFICATE-----
            """;

    private TestCertificates() {
    }
}
