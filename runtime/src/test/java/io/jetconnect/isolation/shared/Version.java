package io.jetconnect.isolation.shared;

/**
 * A stand-in for a library that the host and plugins may each have in their own version. This copy is the host's
 * (on the test class path); {@link io.jetconnect.isolation.LibraryJar} compiles other versions of the same class into
 * jars for plugins to bundle.
 */
public final class Version {

    private Version() {
    }

    /** @return which copy of the library answered */
    public static String get() {
        return "host";
    }
}
