package io.jetconnect.distribution;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fault scenario: tagged {@code fault}, run {@code -Dfault.repeat=N} times (default once), each time with the
 * spare cores kept busy when {@code -Dfault.stress=true} (see {@link FaultRepeat}). Put it where {@code @Test}
 * would be.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@Tag("fault")
@ExtendWith(FaultRepeat.class)
public @interface FaultTest {
}
