package dev.tollgate.sample;

/**
 * The sample's settings: an environment variable, else the system property of that name (how tests and the dev
 * mode hand settings over). Its own class because the war ships it: the launcher ({@link Main}) is left out of the
 * war, and the servlets read their settings here too.
 */
final class Environment {
    private Environment() {
    }

    /** {@code name}'s value, or {@code fallback} when it is unset or blank. */
    static String value(String name, String fallback) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            v = System.getProperty(name);
        }
        return v == null || v.isBlank() ? fallback : v;
    }
}
