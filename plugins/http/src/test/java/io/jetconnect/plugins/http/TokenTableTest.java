package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenTableTest {

    static final String TOKEN_A = "tok-a-0123456789abcdef";
    static final String TOKEN_ANY = "tok-any-0123456789abcdef";

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("tokens"), text);
    }

    @Test
    void readsTokensWithTheirTenantsSkippingCommentsAndBlankLines() throws IOException {
        TokenTable table = TokenTable.read(file("# ingest tokens\n\n" + TOKEN_A + "  acme,globex\n"
                + "  " + TOKEN_ANY + "\t*  \n"));
        assertEquals(2, table.size());
        Grant a = table.find(TOKEN_A);
        assertEquals(Set.of("acme", "globex"), a.tenants());
        assertFalse(a.anyTenant());
        assertEquals("tokens:3", a.principal(), "named by where it is declared, never by the token");
        assertTrue(table.find(TOKEN_ANY).allows("anyone"));
        assertNull(table.find("tok-a-0123456789abcdeX"));
        assertNull(table.find(""));
    }

    @Test
    void aMissingFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenTable.read(dir.resolve("absent")));
        assertTrue(e.getMessage().contains("absent") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SECRET-0123456789abcdef\n",
        "SECRET-0123456789abcdef acme extra\n",
        "SECRET-0123456789abcdef acme,,globex\n",
        "SECRET-0123456789abcdef acme.eu\n",
        "SECRET-0123456789abcdef acme,*\n",
        "SECRET-0123 acme\n",
        "SECRET-0123456789abcdef acme\nSECRET-0123456789abcdef globex\n"})
    void badLinesNameTheFileAndLineButNeverTheToken(String text) throws IOException {
        Path file = file("# comment\n" + text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenTable.read(file));
        assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    }

    @Test
    void aFileWithoutTokensIsRefused() throws IOException {
        Path file = file("# nothing yet\n");
        assertThrows(IllegalArgumentException.class, () -> TokenTable.read(file));
    }
}
