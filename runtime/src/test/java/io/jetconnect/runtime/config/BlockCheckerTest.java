package io.jetconnect.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockCheckerTest {

    private static final Config REFERENCE = ConfigFactory.parseString(
            "subject = \"a\"\nmax-in-flight = 10\nretry { attempts = 3 }");

    @Test
    void acceptsKnownKeysOfTheRightType() {
        Config block = ConfigFactory.parseString("subject = b, retry.attempts = 5, type = x");
        assertEquals(List.of(), BlockChecker.check(block, REFERENCE, "p", Set.of("type")));
    }

    @Test
    void reportsUnknownKeysWithAHint() {
        Config block = ConfigFactory.parseString("subjet = b");
        List<String> problems = BlockChecker.check(block, REFERENCE, "p.sinks[0]", Set.of());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("Unknown key 'p.sinks[0].subjet' (did you mean 'subject'?)"),
                problems.get(0));
    }

    @Test
    void reportsUnknownNestedKeys() {
        Config block = ConfigFactory.parseString("retry { atempts = 5 }");
        List<String> problems = BlockChecker.check(block, REFERENCE, "p", Set.of());
        assertTrue(problems.get(0).contains("'p.retry.atempts' (did you mean 'attempts'?)"), problems.toString());
    }

    @Test
    void reportsWrongTypes() {
        Config block = ConfigFactory.parseString("max-in-flight = lots");
        List<String> problems = BlockChecker.check(block, REFERENCE, "p", Set.of());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("'p.max-in-flight'"), problems.get(0));
    }

    @Test
    void suggestsOnlyCloseKeys() {
        assertEquals("subject", BlockChecker.closest("subjcet", Set.of("subject", "stream")));
        assertNull(BlockChecker.closest("completely-different", Set.of("subject", "stream")));
    }
}
