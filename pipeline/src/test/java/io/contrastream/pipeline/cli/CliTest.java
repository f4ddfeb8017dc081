package io.contrastream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.config.Param;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            CommandLine cl = Cli.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Result(code, out + captured.toString(), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void helpListsEveryJobOptionWithItsDefault() {
        Result r = run("run", "--help");
        assertEquals(0, r.code());
        for (Param<?> p : JobParams.ALL) {
            assertTrue(r.out().contains("--" + p.name()), "missing --" + p.name() + " in: " + r.out() + r.err());
        }
        assertTrue(r.out().contains("Positive pairs per learner step (default: 128)"), r.out());
    }

    @Test
    void theConfigurationPageDocumentsEveryJobOptionWithItsDefault() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "configuration.md"));
        for (Param<?> p : JobParams.ALL) {
            String def = p.format(p.defaultValue());
            String row = "| `--" + p.name() + "` | " + (p.secret() || def.isEmpty() ? "(none)" : "`" + def + "`") + " |";
            assertTrue(doc.contains(row), "docs/configuration.md's option table lacks the row " + row);
        }
    }

    @Test
    void aBadValueGivesOneLineNamingTheOptionAndTheAllowedRange() {
        Result r = run("run", "--batch-size", "0");
        assertEquals(2, r.code());
        assertEquals("error: --batch-size: '0' is not allowed; expected an integer in [1, 65536]  (see --help)", r.err().strip());
        Result t = run("run", "--temperature", "abc");
        assertEquals("error: --temperature: 'abc' is not valid; expected a number  (see --help)", t.err().strip());
        Result e = run("run", "--optimizer", "rmsprop");
        assertEquals("error: --optimizer: 'rmsprop' is not valid; expected one of adam, sgd  (see --help)", e.err().strip());
    }

    @Test
    void freshAndRestoreFromTogetherAreRefusedInOneLine() {
        Result r = run("run", "--fresh", "--restore-from", "/tmp/savepoint-1");
        assertEquals(2, r.code());
        assertEquals("error: --fresh: cannot be combined with --restore-from; expected one of them  (see --help)", r.err().strip());
    }

    @Test
    void printConfigShowsEffectiveValuesAndMasksSecrets() {
        Result r = run("run", "--print-config", "--batch-size", "64",
                "--kafka-properties", "security.protocol=SASL_SSL;sasl.jaas.config=secret-password");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("batch-size = 64"), r.out());
        assertTrue(r.out().contains("kafka-properties = ******"), r.out());
        assertFalse(r.out().contains("secret-password"));
    }

    @Test
    void produceAndEvaluateTakeTheirKafkaOptionsAsTheJobDeclaresThem() {
        CommandLine cl = Cli.commandLine();
        CommandLine.Model.CommandSpec produce = cl.getSubcommands().get("produce").getCommandSpec();
        CommandLine.Model.CommandSpec evaluate = cl.getSubcommands().get("evaluate").getCommandSpec();
        assertEquals(JobParams.BOOTSTRAP_SERVERS.description() + " (default: localhost:9092)", produce.findOption("--bootstrap-servers").description()[0]);
        assertEquals(JobParams.SNAPSHOT_TOPIC.description() + " (default: encoder-snapshots)", evaluate.findOption("--snapshot-topic").description()[0]);
        for (CommandLine.Model.CommandSpec spec : java.util.List.of(produce, evaluate)) {
            assertEquals(JobParams.KAFKA_PROPERTIES.description() + " (default: none)", spec.findOption("--kafka-properties").description()[0]);
        }
        cl.parseArgs("produce", "--kafka-properties", "security.protocol=SASL_SSL");
        io.contrastream.pipeline.config.JobConfig c = JobOptions.read(produce, ProduceCommand.PARAMS, java.util.Map.of(),
                java.util.Map.of("CONTRASTREAM_BOOTSTRAP_SERVERS", "kafka:9092"));
        assertEquals("kafka:9092", c.kafkaProperties().getProperty("bootstrap.servers"), "the environment, as for run");
        assertEquals("SASL_SSL", c.kafkaProperties().getProperty("security.protocol"));

        Result bad = run("produce", "--synthetic", "10", "--kafka-properties", "no-equals-sign");
        assertEquals(2, bad.code());
        assertEquals("error: --kafka-properties: expected k=v;k=v, got an entry without '='  (see --help)", bad.err().strip());
    }

    @Test
    void configFileThenEnvironmentThenFlags(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("job.properties"),
                "batch-size = 64\nqueue-size = 512\ntemperature = 0.1\nkafka-properties = sasl.jaas.config=file-secret\n");
        CommandLine cl = Cli.commandLine();
        cl.parseArgs("run", "--config", file.toString(), "--temperature", "0.3");
        CommandLine run = cl.getSubcommands().get("run");
        io.contrastream.pipeline.config.JobConfig c = JobOptions.read(run.getCommandSpec(), JobParams.ALL, java.util.Map.of(),
                java.util.Map.of("CONTRASTREAM_QUEUE_SIZE", "1024", "CONTRASTREAM_TEMPERATURE", "0.2"));
        assertEquals(64, c.get(JobParams.BATCH_SIZE), "from the file");
        assertEquals(1024, c.get(JobParams.QUEUE_SIZE), "the environment overrides the file");
        assertEquals(0.3, c.get(JobParams.TEMPERATURE), 0.0, "a flag overrides both");

        Result shown = run("run", "--print-config", "--config", file.toString());
        assertEquals(0, shown.code(), shown.err());
        assertTrue(shown.out().contains("batch-size = 64"), shown.out());
        assertFalse(shown.out().contains("file-secret"), "secrets from the file are masked too");
    }

    @Test
    void aBadValueInTheConfigFileFailsNamingKeyValueRangeAndSource(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("bad.properties"), "batch-size = 0\n");
        Result r = run("run", "--print-config", "--config", file.toString());
        assertEquals(2, r.code());
        assertEquals("error: --batch-size: '0' is not allowed; expected an integer in [1, 65536] (from config file " + file
                + ")  (see --help)", r.err().strip());
        java.nio.file.Path unknown = java.nio.file.Files.writeString(dir.resolve("unknown.properties"), "batch-sise = 10\n");
        Result u = run("run", "--print-config", "--config", unknown.toString());
        assertEquals(2, u.code());
        assertTrue(u.err().contains("unknown key 'batch-sise'"), u.err());
    }
}
