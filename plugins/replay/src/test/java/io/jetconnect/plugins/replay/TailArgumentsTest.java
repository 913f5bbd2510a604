package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TailArgumentsTest {

    private static TailArguments parse(String... args) throws TailArguments.UsageException {
        return TailArguments.parse(List.of(args));
    }

    private static void usageError(String expected, String... args) {
        TailArguments.UsageException e = assertThrows(TailArguments.UsageException.class, () -> parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void optionsInBothSpellings() throws Exception {
        assertEquals(new TailArguments("orders", "orders.eu", 5L, 3, false),
                parse("--stream", "orders", "--subject=orders.eu", "--since", "5", "--max=3"));
        TailArguments onlyNew = parse("--stream=orders");
        assertNull(onlyNew.since(), "without --since only new messages");
        assertEquals(0, onlyNew.max(), "without --max until interrupted");
        assertTrue(parse("--help").help());
        assertTrue(parse("--stream", "s", "-h").help());
    }

    @Test
    void usageErrors() {
        usageError("Missing required option: '--stream=NAME'", "--since", "3");
        usageError("Invalid value for option '--since'", "--stream", "s", "--since", "three");
        usageError("--max must be at least 1", "--stream", "s", "--max", "0");
        usageError("--since must be at least 0", "--stream", "s", "--since", "-1");
        usageError("Unknown option: '--follow'", "--stream", "s", "--follow");
        usageError("Missing required parameter for option '--stream'", "--stream");
        usageError("should be specified only once", "--stream", "a", "--stream", "b");
        usageError("cannot contain white space", "--stream", "s", "--subject", "a b");
        usageError("--stream needs a value", "--stream", " ");
    }

    @Test
    void theUsageIsPicoclis() {
        assertTrue(TailArguments.USAGE.startsWith("usage: jetconnect tail"), TailArguments.USAGE);
        assertTrue(TailArguments.USAGE.contains("--since=SEQ"), TailArguments.USAGE);
        assertTrue(TailArguments.USAGE.contains("Exit status: 0 after --max messages"), TailArguments.USAGE);
    }
}
