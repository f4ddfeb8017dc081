package io.contrastream.pipeline.config;

import java.io.Serializable;
import java.util.Objects;
import java.util.function.Function;

/**
 * One job option, declared once with its name, description, default and validator (after Flink ML's {@code Param}):
 * the command line, the configuration file and {@code --print-config} are all generated from these declarations.
 *
 * @param <T> the value type
 */
public final class Param<T> implements Serializable {

    /** Checks a parsed value; returns null when valid, else what is allowed (e.g. "an integer in [1, 65536]"). */
    @FunctionalInterface
    public interface Validator<T> extends Serializable {
        String problem(T value);
    }

    /** Parses the textual form of a value; throws IllegalArgumentException with what was expected. */
    @FunctionalInterface
    public interface Parser<T> extends Serializable, Function<String, T> {}

    private final String name;
    private final String description;
    private final T defaultValue;
    private final Parser<T> parser;
    private final Validator<T> validator;
    private final boolean secret;

    Param(String name, String description, T defaultValue, Parser<T> parser, Validator<T> validator, boolean secret) {
        this.name = Objects.requireNonNull(name);
        this.description = Objects.requireNonNull(description);
        this.defaultValue = defaultValue;
        this.parser = Objects.requireNonNull(parser);
        this.validator = validator == null ? v -> null : validator;
        this.secret = secret;
        if (defaultValue != null) validate(defaultValue);
    }

    /** This option's parser and validator under another name, description and default: a tool's key for the job's knob. */
    public Param<T> as(String newName, String newDescription, T newDefault) {
        return new Param<>(newName, newDescription, newDefault, parser, validator, secret);
    }

    public String name() { return name; }

    public String description() { return description; }

    public T defaultValue() { return defaultValue; }

    /** Secret values (passwords, keys) are masked wherever configuration is printed. */
    public boolean secret() { return secret; }

    /** Parses and validates the textual form; the message names the option, the value and what is allowed. */
    public T parse(String text) {
        T value;
        try {
            value = parser.apply(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": '" + text + "' is not valid; expected " + e.getMessage());
        }
        return validate(value);
    }

    public T validate(T value) {
        String problem = validator.problem(value);
        if (problem != null) {
            throw new IllegalArgumentException("--" + name + ": '" + format(value) + "' is not allowed; expected " + problem);
        }
        return value;
    }

    /** The textual form of a value, as accepted by {@link #parse}. */
    public String format(Object value) {
        if (value == null) return "";
        if (value instanceof int[] a) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
            return sb.toString();
        }
        if (value instanceof Enum<?> e) return e.name().toLowerCase();
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return "--" + name;
    }
}
