package io.contrastream.pipeline.cli;

import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.Param;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Turns the declared {@link Param}s into picocli options and the parsed command line back into a {@link JobConfig}. */
final class JobOptions {

    private JobOptions() {}

    /** Adds one {@code --name} option per param, with its description and default shown in {@code --help}. */
    static void addTo(CommandSpec spec, Iterable<Param<?>> params, Map<Param<?>, Object> overriddenDefaults) {
        for (Param<?> p : params) {
            Object def = overriddenDefaults.containsKey(p) ? overriddenDefaults.get(p) : p.defaultValue();
            String shown = p.secret() ? "none" : p.format(def).isEmpty() ? "none" : p.format(def);
            OptionSpec.Builder b = OptionSpec.builder("--" + p.name())
                    .paramLabel("<" + p.name().substring(p.name().lastIndexOf('-') + 1) + ">")
                    .type(String.class)
                    .description(p.description() + " (default: " + shown + ")");
            if (p.defaultValue() instanceof Boolean) b.arity("0..1").fallbackValue("true");
            spec.addOption(b.build());
        }
    }

    /** The configuration from the options given on the command line, over the given defaults. */
    static JobConfig read(CommandSpec spec, Iterable<Param<?>> params, Map<Param<?>, Object> overriddenDefaults) {
        Map<String, String> text = new LinkedHashMap<>();
        // Defaults set by the command apply even to params it does not offer as options (e.g. a dataset's shape).
        overriddenDefaults.forEach((p, v) -> text.put(p.name(), format(p, v)));
        for (Param<?> p : params) {
            String given = spec.findOption("--" + p.name()).getValue();
            if (given != null) text.put(p.name(), given);
        }
        try {
            return JobConfig.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> String format(Param<T> p, Object value) {
        return p.format((T) value);
    }

    static void print(JobConfig config) {
        config.describe().forEach((k, v) -> System.out.println(k + " = " + v));
    }
}
