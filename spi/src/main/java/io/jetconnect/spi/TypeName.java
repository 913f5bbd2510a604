package io.jetconnect.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The name by which {@code pipeline.conf} refers to an extension: {@code type = jetstream}.
 *
 * <p>Put it on every class annotated with {@link org.pf4j.Extension}. Names are lower-case words joined by
 * dashes and unique across all loaded plugins: when two plugins provide the same name, the first one loaded keeps
 * it and the other's extension is skipped with a problem that {@code jetconnect plugins} and the log report. The
 * plugin's {@code reference.conf} holds the extension's defaults under a top-level key equal to this name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TypeName {
    /** @return the type name, for example {@code "jetstream"} */
    String value();
}
