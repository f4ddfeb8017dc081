package io.contrastream.pipeline.cli;

import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.Param;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Turns the declared {@link Param}s into picocli options and the parsed command line back into a {@link JobConfig}. */
public final class JobOptions {

    private JobOptions() {}

    /** Adds one {@code --name} option per param, with its description and default shown in {@code --help}. */
    public static void addTo(CommandSpec spec, Iterable<Param<?>> params, Map<Param<?>, Object> overriddenDefaults) {
        spec.addOption(OptionSpec.builder("--config").paramLabel("<file>").type(String.class)
                .description("Properties file of job options (key = option name without '--'); environment variables "
                        + ENV_PREFIX + "<NAME> override it, command-line flags override both").build());
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

    /** Environment variables that set options: {@code CONTRASTREAM_BATCH_SIZE} sets {@code --batch-size}. */
    static final String ENV_PREFIX = "CONTRASTREAM_";

    static String envName(Param<?> p) {
        return ENV_PREFIX + p.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** The configuration from the command line, the environment and the {@code --config} file, over the given defaults. */
    public static JobConfig read(CommandSpec spec, Iterable<Param<?>> params, Map<Param<?>, Object> overriddenDefaults) {
        return read(spec, params, overriddenDefaults, System.getenv());
    }

    /**
     * Layers, lowest first: the params' defaults, the command's own defaults, the {@code --config} properties file,
     * {@code CONTRASTREAM_*} environment variables, command-line flags. A bad value fails here, before any job starts,
     * naming the option, the value, what is allowed and where the value came from.
     */
    static JobConfig read(CommandSpec spec, Iterable<Param<?>> params, Map<Param<?>, Object> overriddenDefaults,
                          Map<String, String> env) {
        Map<String, String> text = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        // Defaults set by the command apply even to params it does not offer as options (e.g. a dataset's shape).
        overriddenDefaults.forEach((p, v) -> text.put(p.name(), format(p, v)));
        java.util.Set<String> offered = new java.util.HashSet<>();
        params.forEach(p -> offered.add(p.name()));
        OptionSpec file = spec.findOption("--config");
        String path = file == null ? null : file.getValue();
        if (path != null) {
            Properties props = new Properties();
            try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(path))) {
                props.load(in);
            } catch (java.io.IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--config: cannot read " + path + ": " + e.getMessage());
            }
            for (String key : new java.util.TreeSet<>(props.stringPropertyNames())) {
                if (!offered.contains(key)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--config " + path + ": unknown key '" + key
                            + "'; keys are the option names without '--', e.g. batch-size");
                }
                text.put(key, props.getProperty(key).trim());
                origin.put(key, "config file " + path);
            }
        }
        for (Param<?> p : params) {
            String fromEnv = env.get(envName(p));
            if (fromEnv != null) {
                text.put(p.name(), fromEnv);
                origin.put(p.name(), "environment variable " + envName(p));
            }
            String given = spec.findOption("--" + p.name()).getValue();
            if (given != null) {
                text.put(p.name(), given);
                origin.remove(p.name());
            }
        }
        try {
            return JobConfig.parse(text);
        } catch (IllegalArgumentException e) {
            String from = origin.entrySet().stream().filter(o -> e.getMessage().startsWith("--" + o.getKey() + ":"))
                    .map(o -> " (from " + o.getValue() + ")").findFirst().orElse("");
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + from);
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
