package io.jetconnect.plugins.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldNamesTest {

    private static final FieldNames NAMES = FieldNames.of(List.of("password", "api_key", "client_secret", "Token"));

    @Test
    void ignoresCaseDashesAndUnderscores() {
        for (String name : List.of("password", "PASSWORD", "PassWord", "api_key", "API-KEY", "apiKey", "ApiKey",
                "api__key", "clientSecret", "CLIENT-SECRET", "token", "TOKEN", "_token_")) {
            assertTrue(NAMES.matches(name), name);
        }
    }

    @Test
    void otherwiseExact() {
        for (String name : List.of("passwords", "password1", "my_password", "tokens", "csrf_token", "api",
                "apikeys", "secret", "", "pass word")) {
            assertFalse(NAMES.matches(name), name);
        }
        assertFalse(NAMES.matches(null));
    }

    @Test
    void nameWithTheSameHashIsNoMatch() {
        // "buzzards" and "righto" have the same String hash: a hash hit alone is no match.
        assertEquals("buzzards".hashCode(), "righto".hashCode());
        FieldNames names = FieldNames.of(List.of("buzzards"));
        assertTrue(names.matches("Buzzards"));
        assertFalse(names.matches("righto"));
    }

    @Test
    void duplicatesOnceNormalisedCountOnce() {
        assertEquals(1, FieldNames.of(List.of("api_key", "apikey", "API-KEY")).size());
    }

    @Test
    void emptyNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldNames.of(List.of("password", "-_")));
        assertTrue(e.getMessage().contains("entry 1"), e.getMessage());
    }

    @Test
    void noNamesMatchNothing() {
        assertFalse(FieldNames.of(List.of()).matches("password"));
    }
}
