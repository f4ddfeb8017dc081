package io.contrastream.pipeline.config;

import java.util.Arrays;
import java.util.Locale;

/** Factories for typed {@link Param}s with range validators, so each option's declaration is one line. */
public final class Params {

    private Params() {}

    public static Param<Integer> intParam(String name, String description, int def, int min, int max) {
        return new Param<>(name, description, def, Params::parseInt,
                v -> v >= min && v <= max ? null : "an integer in [" + min + ", " + max + "]", false);
    }

    public static Param<Long> longParam(String name, String description, long def, long min, long max) {
        return new Param<>(name, description, def, Params::parseLong,
                v -> v >= min && v <= max ? null : "an integer in [" + min + ", " + max + "]", false);
    }

    /** A double in the interval from min to max; {@code openLow} excludes min itself. */
    public static Param<Double> doubleParam(String name, String description, double def, double min, boolean openLow, double max) {
        String range = (openLow ? "(" : "[") + min + ", " + max + "]";
        return new Param<>(name, description, def, Params::parseDouble,
                v -> Double.isFinite(v) && (openLow ? v > min : v >= min) && v <= max ? null : "a number in " + range, false);
    }

    public static Param<String> stringParam(String name, String description, String def, boolean allowEmpty) {
        return new Param<>(name, description, def, s -> s,
                v -> allowEmpty || !v.isBlank() ? null : "a non-empty string", false);
    }

    public static Param<String> secretParam(String name, String description) {
        return new Param<>(name, description, "", s -> s, v -> null, true);
    }

    public static Param<Boolean> boolParam(String name, String description, boolean def) {
        return new Param<>(name, description, def, s -> {
            if (s.equalsIgnoreCase("true")) return true;
            if (s.equalsIgnoreCase("false")) return false;
            throw new IllegalArgumentException("true or false");
        }, v -> null, false);
    }

    public static <E extends Enum<E>> Param<E> enumParam(String name, String description, E def, Class<E> type) {
        String allowed = String.join(", ", Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
        return new Param<>(name, description, def, s -> {
            try {
                return Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("one of " + allowed);
            }
        }, v -> null, false);
    }

    /** An option no other factory fits: its own parser (throwing what was expected) and validator. */
    public static <T> Param<T> customParam(String name, String description, T def, Param.Parser<T> parser, Param.Validator<T> validator) {
        return new Param<>(name, description, def, parser, validator, false);
    }

    /** A comma-separated list of positive integers with between minLength and maxLength entries. */
    public static Param<int[]> intListParam(String name, String description, int[] def, int minLength, int maxLength) {
        return new Param<>(name, description, def, s -> {
            if (s.isEmpty()) return new int[0];
            try {
                return Arrays.stream(s.split(",")).mapToInt(t -> Integer.parseInt(t.trim())).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("comma-separated integers");
            }
        }, v -> v.length >= minLength && v.length <= maxLength && Arrays.stream(v).allMatch(x -> x > 0 && x <= 1_000_000)
                ? null : minLength + " to " + maxLength + " comma-separated positive integers", false);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an integer");
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an integer");
        }
    }

    private static double parseDouble(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a number");
        }
    }
}
