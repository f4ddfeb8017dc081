package io.contrastream.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.pipeline.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
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
}
