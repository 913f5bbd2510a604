package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifyArgumentsTest {

    private static VerifyArguments parse(String... args) throws UsageException {
        return VerifyArguments.parse(List.of(args));
    }

    private static void usageError(String expected, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void keysTakeTheirIdFromTheFileNameOrTheFlag() throws Exception {
        VerifyArguments args = parse("--key-file", "/keys/ed-2025.pub.pem", "--key", "legacy=/keys/old.key",
                "--key-file=/keys/h.key", "--key=x.y=/k", "events.jsonl");
        assertEquals(List.of(
                new VerifyArguments.KeyArgument("ed-2025", Path.of("/keys/ed-2025.pub.pem")),
                new VerifyArguments.KeyArgument("h", Path.of("/keys/h.key")),
                new VerifyArguments.KeyArgument("legacy", Path.of("/keys/old.key")),
                new VerifyArguments.KeyArgument("x.y", Path.of("/k"))), args.keys());
        assertEquals("events.jsonl", args.file());
        assertNull(args.stream());
    }

    @Test
    void streamAndOptions() throws Exception {
        VerifyArguments args = parse("--require-signed", "--key-file", "k.key", "--stream", "orders");
        assertEquals("orders", args.stream());
        assertTrue(args.requireSigned());
        assertEquals("-", parse("--key-file", "k.key", "-").file(), "- is standard input");
        assertTrue(parse("--help").help());
    }

    @Test
    void theUsageIsPicoclis() {
        assertTrue(VerifyArguments.USAGE.startsWith("usage: jetconnect verify (--key-file FILE"), VerifyArguments.USAGE);
        assertTrue(VerifyArguments.USAGE.contains("--require-signed"), VerifyArguments.USAGE);
        assertTrue(VerifyArguments.USAGE.contains("Exit status: 0 no invalid event"), VerifyArguments.USAGE);
    }

    @Test
    void usageErrors() {
        usageError("no key", "events.jsonl");
        usageError("either --stream NAME or one FILE", "--key-file", "k.key");
        usageError("either --stream NAME or one FILE", "--key-file", "k.key", "--stream", "s", "f.jsonl");
        usageError("Unmatched argument at index 3: 'b.jsonl'", "--key-file", "k.key", "a.jsonl", "b.jsonl");
        usageError("Missing required parameter for option '--key-file'", "events.jsonl", "--key-file");
        usageError("'--keyfile'", "--keyfile", "k.key", "events.jsonl");
        usageError("--key takes ID=FILE", "--key", "k.key", "events.jsonl");
        usageError("is given twice", "--key-file", "a/k.key", "--key-file", "b/k.pem", "events.jsonl");
        usageError("cannot take a key id", "--key-file", ".key", "events.jsonl");
        usageError("is not 1 to 64", "--key", "-x=k.key", "events.jsonl");
        usageError("--require-signed", "--require-signed=yes", "--key-file", "k.key", "events.jsonl");
        usageError("should be specified only once", "--key-file", "k.key", "--stream", "a", "--stream", "b");
    }
}
