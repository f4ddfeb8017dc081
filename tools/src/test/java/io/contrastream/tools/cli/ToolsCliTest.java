package io.contrastream.tools.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.pipeline.cli.Cli;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ToolsCliTest {

    @Test
    void theLauncherReachesEveryProductCommandAndEveryTool() {
        List<String> commands = List.copyOf(ToolsCli.commandLine().getSubcommands().keySet());
        assertTrue(commands.containsAll(Cli.commandLine().getSubcommands().keySet()), commands.toString());
        assertTrue(commands.containsAll(List.of("demo", "bench-e2e", "bench-quality", "bench-feed")), commands.toString());
    }

    @Test
    void demoRejectsAnOutOfRangeSampleCount() {
        CommandLine cl = ToolsCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("demo", "--samples", "5"));
        assertEquals("error: --samples: '5' is not allowed; expected an integer in [1000, 10000000]  (see --help)", err.toString().strip());
    }

    @Test
    void theLabelledBenchesTakeTheDemosJobOptionsAndTheDatasShape(@TempDir Path dir) throws Exception {
        Path images = Files.write(dir.resolve("images"), ByteBuffer.allocate(16 + 2 * 3 * 4).putInt(0x803).putInt(2).putInt(3).putInt(4).array());
        Path labels = Files.write(dir.resolve("labels"), ByteBuffer.allocate(8 + 2).putInt(0x801).putInt(2).put((byte) 0).put((byte) 1).array());
        for (String bench : List.of("bench-quality", "bench-feed")) {
            CommandLine cl = ToolsCli.commandLine();
            cl.parseArgs(bench, "--batch-size", "64", "--train-images", images.toString(), "--train-labels", labels.toString(),
                    "--test-images", images.toString(), "--test-labels", labels.toString());
            Object command = cl.getSubcommands().get(bench).getCommand();
            LabelledBench.Setup setup = (command instanceof QualityBenchCommand q ? q.bench : ((FeedBenchCommand) command).bench).read();
            JobConfig c = setup.config();
            assertEquals(64, c.get(JobParams.BATCH_SIZE), bench);
            assertArrayEquals(new int[] {1, 3, 4}, c.get(JobParams.INPUT_SHAPE), bench + ": the data's shape");
            assertEquals(2, setup.test().rows().length, bench);
        }
    }
}
