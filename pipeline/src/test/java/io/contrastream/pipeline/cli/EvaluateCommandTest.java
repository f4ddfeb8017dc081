package io.contrastream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.Learner;
import io.contrastream.pipeline.io.Snapshots;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {

    @TempDir
    Path dir;

    /** n 1×6×6 images of two classes (bright left or right half, plus noise) as IDX files; returns {images, labels}. */
    private Path[] dataset(String name, int n, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        ByteArrayOutputStream lab = new ByteArrayOutputStream();
        DataOutputStream x = new DataOutputStream(img);
        DataOutputStream y = new DataOutputStream(lab);
        x.writeInt(0x00000803);
        x.writeInt(n);
        x.writeInt(6);
        x.writeInt(6);
        y.writeInt(0x00000801);
        y.writeInt(n);
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(2);
            y.writeByte(label);
            for (int p = 0; p < 36; p++) {
                boolean lit = (p % 6 < 3) == (label == 0);
                x.writeByte((lit ? 160 : 20) + rng.nextInt(60));
            }
        }
        return new Path[] {Files.write(dir.resolve(name + "-images-idx3-ubyte"), img.toByteArray()),
                Files.write(dir.resolve(name + "-labels-idx1-ubyte"), lab.toByteArray())};
    }

    private static String[] run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured));
        StringWriter err = new StringWriter();
        try {
            CommandLine cl = Cli.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new String[] {Integer.toString(code), captured.toString(), err.toString()};
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void scoresASnapshotFileNextToRawPixelsAndARandomEncoder() throws Exception {
        Path[] train = dataset("train", 200, 1);
        Path[] test = dataset("test", 60, 2);
        EncoderConfig cnn = new EncoderConfig(EncoderConfig.Architecture.CNN, new int[] {1, 6, 6}, new int[] {4}, 8, 8, 4, 3);
        Path file = dir.resolve("snap.avro");
        EvaluateCommand.writeFile(Snapshots.toAvro(new Learner(cnn, new LearnerConfig(16, 0.2, 0.99,
                LearnerConfig.Optimizer.ADAM, 1e-3, 0)).snapshot(7)), file);

        String[] r = run("evaluate", "--snapshot", file.toString(), "--train-images", train[0].toString(),
                "--train-labels", train[1].toString(), "--test-images", test[0].toString(), "--test-labels",
                test[1].toString(), "--probe-epochs", "5");
        assertEquals("0", r[0], r[2]);
        JsonNode json = new ObjectMapper().readTree(r[1]);
        assertEquals(7, json.get("encoder_version").asLong());
        assertEquals(60, json.get("test_samples").asInt());
        // The halves are far apart: raw pixels separate them perfectly, so the scores are real accuracies.
        assertEquals(100.0, json.get("raw_pixels").get("knn20").asDouble(), 1e-9);
        for (String who : new String[] {"trained", "random_encoder"}) {
            for (String metric : new String[] {"knn200", "knn20", "linear_probe"}) {
                double v = json.get(who).get(metric).asDouble();
                assertTrue(v >= 0 && v <= 100, who + " " + metric + " = " + v);
            }
        }
    }

    @Test
    void needsExactlyOneSnapshotSource() {
        String[] r = run("evaluate");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--snapshot"), r[2]);
    }
}
