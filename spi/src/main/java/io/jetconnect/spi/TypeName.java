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
 * dashes and unique across all loaded plugins; the runtime refuses to start a pipeline that refers to a
 * name provided twice. The plugin's {@code reference.conf} holds the extension's defaults under a top-level
 * key equal to this name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TypeName {
    /** @return the type name, for example {@code "jetstream"} */
    String value();
}
