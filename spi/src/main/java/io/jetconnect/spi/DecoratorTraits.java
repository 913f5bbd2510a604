package io.jetconnect.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a {@link SinkDecorator} does to the events that pass through it, so that {@code jetconnect check} and
 * startup can warn about chains composed in a hazardous order:
 * <ul>
 *   <li>a decorator that {@link #changesEvents() changes events} inside one that {@link #signs() signs} them: the
 *       published event would not match its signature;</li>
 *   <li>a decorator that {@link #persists() writes events to disk} outside one that {@link #redacts() redacts}
 *       them: secrets would reach the disk.</li>
 * </ul>
 * A decorator without this annotation is assumed to change events and to do nothing else listed here.
 * With {@code jetconnect.strict = true} the warnings are errors.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DecoratorTraits {

    /** @return whether the events it passes on may differ from those it received (other than by signing) */
    boolean changesEvents() default true;

    /** @return whether it signs events */
    boolean signs() default false;

    /** @return whether it removes secrets from events */
    boolean redacts() default false;

    /** @return whether it writes events to disk */
    boolean persists() default false;
}
