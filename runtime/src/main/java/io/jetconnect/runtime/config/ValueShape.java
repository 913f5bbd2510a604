package io.jetconnect.runtime.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

/**
 * What kind of value a default asks for, read off the default itself: a number, a boolean, a duration
 * ({@code 5s}), a size ({@code 4MiB}), a list, a block or free text. Typesafe Config's {@code checkValid} lets an
 * unquoted word stand for a number; this does not, so {@code check} catches {@code port = eighty} before anything
 * starts.
 */
final class ValueShape {

    private ValueShape() {
    }

    /** @return what was expected, or null when the value fits the default's shape */
    static String mismatch(ConfigValue reference, ConfigValue value) {
        ConfigValueType type = value.valueType();
        if (type == ConfigValueType.NULL) {
            return null;
        }
        switch (reference.valueType()) {
            case NUMBER:
                return type == ConfigValueType.NUMBER || parses(value, Kind.NUMBER) ? null : "a number";
            case BOOLEAN:
                return type == ConfigValueType.BOOLEAN || parses(value, Kind.BOOLEAN) ? null : "true or false";
            case LIST:
                return type == ConfigValueType.LIST ? null : "a list";
            case OBJECT:
                return type == ConfigValueType.OBJECT ? null : "a block { ... }";
            case STRING:
                if (parses(reference, Kind.DURATION) && !parses(reference, Kind.NUMBER)) {
                    return parses(value, Kind.DURATION) ? null : "a duration such as 500ms, 5s, 2m or 90d";
                }
                if (parses(reference, Kind.BYTES) && !parses(reference, Kind.NUMBER)) {
                    return parses(value, Kind.BYTES) ? null : "a size such as 512KiB, 4MiB or 1GiB";
                }
                return type == ConfigValueType.OBJECT || type == ConfigValueType.LIST ? "a single value" : null;
            default:
                return null;
        }
    }

    private enum Kind { NUMBER, BOOLEAN, DURATION, BYTES }

    private static boolean parses(ConfigValue value, Kind kind) {
        if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
            return false;
        }
        var probe = ConfigFactory.empty().withValue("v", ConfigValueFactory.fromAnyRef(value.unwrapped()));
        try {
            switch (kind) {
                case NUMBER -> probe.getNumber("v");
                case BOOLEAN -> probe.getBoolean("v");
                case DURATION -> probe.getDuration("v");
                case BYTES -> probe.getBytes("v");
                default -> throw new IllegalStateException();
            }
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    /** @return the value for a message, short and quoted */
    static String describe(ConfigValue value) {
        if (value.valueType() == ConfigValueType.OBJECT) {
            return "a block";
        }
        if (value.valueType() == ConfigValueType.LIST) {
            return "a list";
        }
        String text = String.valueOf(value.unwrapped());
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }
}
