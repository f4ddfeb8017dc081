package io.contrastream.tools.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.pipeline.config.Param;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StudyArgsTest {

    // StreamStudy's "args" with no key given, from main at e5df1a7 (its string defaults; keys sorted, its order was a hash's).
    private static final String STREAM_ARGS_BEFORE = "\"arch\": \"cnn\", \"batch\": \"256\", \"bn\": \"false\", \"capacity\": \"4096\", "
            + "\"compat\": \"0\", \"crop\": \"0.5\", \"data\": \"/usr/share/datasets/fashion-mnist/\", \"embedding\": \"128\", "
            + "\"every\": \"20\", \"firstserve\": \"40\", \"flip\": \"0.5\", \"hardness\": \"0\", \"hidden\": \"32,64\", "
            + "\"limit\": \"60000\", \"locals\": \"0\", \"localscale\": \"0.2,0.5\", \"lr\": \"1e-3\", \"m\": \"0.99\", "
            + "\"mask\": \"true\", \"maxage\": \"0\", \"maxcos\": \"1.0\", \"maxwarm\": \"1000\", \"method\": \"moco\", "
            + "\"plateau\": \"0\", \"prior\": \"0\", \"probe\": \"false\", \"projection\": \"128\", \"queue\": \"4096\", "
            + "\"random\": \"false\", \"rate\": \"0\", \"replay\": \"0\", \"seed\": \"42\", \"shape\": \"\", "
            + "\"standardize\": \"false\", \"strength\": \"1.0\", \"tau\": \"0.2\", \"tcrop\": \"0.8\", "
            + "\"test\": \"t10k-images-idx3-ubyte.gz\", \"testlabels\": \"t10k-labels-idx1-ubyte.gz\", "
            + "\"train\": \"train-images-idx3-ubyte.gz\", \"trainlabels\": \"train-labels-idx1-ubyte.gz\", \"warp\": \"0.25\", "
            + "\"window\": \"50\"";

    // FeedStudy's defaults at e5df1a7, in its order.
    private static final String[] FEED_DEFAULTS_BEFORE = {"data", "/usr/share/datasets/fashion-mnist/", "mechanism", "none",
            "lambda", "100", "limit", "30000", "every", "20", "seed", "42", "batch", "128", "serveevery", "1",
            "target", "previous", "firstserve", "0", "serve", "query"};

    @Test
    void streamStudyPrintsTheSameKeysWithTheSameDefaultValuesAsBefore() {
        Map<String, String> before = pairs(STREAM_ARGS_BEFORE);
        Map<String, String> now = pairs(StreamStudy.knobs(StudyArgs.parse(StudyArgs.STREAM)));
        assertEquals(new java.util.TreeSet<>(before.keySet()), new java.util.TreeSet<>(now.keySet()));
        assertSameValues(StudyArgs.STREAM, before, now);
    }

    @Test
    void feedStudyHasTheSameKeysInTheSameOrderWithTheSameDefaultValuesAsBefore() {
        Map<String, String> before = new LinkedHashMap<>();
        for (int i = 0; i < FEED_DEFAULTS_BEFORE.length; i += 2) before.put(FEED_DEFAULTS_BEFORE[i], FEED_DEFAULTS_BEFORE[i + 1]);
        Map<String, String> now = StudyArgs.parse(StudyArgs.FEED).used();
        assertEquals(List.copyOf(before.keySet()), List.copyOf(now.keySet()));
        assertSameValues(StudyArgs.FEED, before, now);
    }

    @Test
    void defaultsAreTheJobsUnlessTheStudyKeepsItsOwn() {
        StudyArgs stream = StudyArgs.parse(StudyArgs.STREAM);
        assertEquals(EncoderConfig.Architecture.CNN, stream.get(StudyArgs.ARCH));
        assertArrayEquals(new int[] {32, 64}, stream.get(StudyArgs.HIDDEN));
        assertEquals(256, stream.get(StudyArgs.STREAM_BATCH));
        assertEquals(LearnerConfig.defaults().queueSize(), stream.get(StudyArgs.QUEUE));
        assertEquals(LearnerConfig.defaults().temperature(), stream.get(StudyArgs.TAU));
        assertEquals(LearnerConfig.defaults().learningRate(), stream.get(StudyArgs.LR));
        assertEquals(LearnerConfig.Method.MOCO, stream.get(StudyArgs.METHOD));
        assertEquals(new StudyArgs.Area(0.2, 0.5), stream.get(StudyArgs.LOCAL_SCALE));
        assertEquals(0, stream.get(StudyArgs.SHAPE).length);
        StudyArgs feed = StudyArgs.parse(StudyArgs.FEED);
        assertEquals(ServingSpace.Mechanism.NONE, feed.get(StudyArgs.MECHANISM));
        assertEquals(100.0, feed.get(StudyArgs.LAMBDA));
        assertEquals(128, feed.get(StudyArgs.FEED_BATCH));
        assertEquals(StudyArgs.Serve.QUERY, feed.get(StudyArgs.SERVE));
        assertThrows(IllegalArgumentException.class, () -> feed.get(StudyArgs.STREAM_BATCH));
    }

    @Test
    void givenValuesAreParsedAndPrintedAsGiven() {
        StudyArgs a = StudyArgs.parse(StudyArgs.STREAM, "replay=4", "probe=true", "embedding=512", "flip=0", "seed=7",
                "hidden=64,128", "method=byol", "localscale=0.1,0.4", "shape=1,28,28");
        assertEquals(4.0, a.get(StudyArgs.REPLAY));
        assertEquals(true, a.get(StudyArgs.PROBE));
        assertEquals(512, a.get(StudyArgs.EMBEDDING));
        assertEquals(7L, a.get(StudyArgs.SEED));
        assertArrayEquals(new int[] {64, 128}, a.get(StudyArgs.HIDDEN));
        assertEquals(LearnerConfig.Method.BYOL, a.get(StudyArgs.METHOD));
        assertEquals(new StudyArgs.Area(0.1, 0.4), a.get(StudyArgs.LOCAL_SCALE));
        assertArrayEquals(new int[] {1, 28, 28}, a.get(StudyArgs.SHAPE));
        assertEquals("4", a.used().get("replay"));
        assertEquals("0", a.used().get("flip"));
        assertEquals(ServingSpace.Mechanism.COMPAT_ALIGN, StudyArgs.parse(StudyArgs.FEED, "mechanism=compat_align").get(StudyArgs.MECHANISM));
    }

    @Test
    void anUnknownKeyIsRefusedListingTheKeys() {
        var e = assertThrows(IllegalArgumentException.class, () -> StudyArgs.parse(StudyArgs.STREAM, "replay=4", "bogus=1"));
        assertTrue(e.getMessage().startsWith("unknown argument bogus=1; keys: data, train, trainlabels,"), e.getMessage());
        var noValue = assertThrows(IllegalArgumentException.class, () -> StudyArgs.parse(StudyArgs.FEED, "lambda"));
        assertTrue(noValue.getMessage().startsWith("unknown argument lambda; keys: data, mechanism, lambda,"), noValue.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StudyArgs.parse(StudyArgs.FEED, "rate=1"));   // StreamStudy's key
    }

    @Test
    void aBadValueIsRefusedNamingTheKeyAndWhatIsAllowed() {
        assertEquals("--batch: 'many' is not valid; expected an integer", message(StudyArgs.STREAM, "batch=many"));
        assertEquals("--batch: '0' is not allowed; expected an integer in [1, 65536]", message(StudyArgs.FEED, "batch=0"));
        assertTrue(message(StudyArgs.STREAM, "method=foo").contains("--method: 'foo' is not valid; expected one of moco, simclr"));
        assertEquals("--probe: 'yes' is not valid; expected true or false", message(StudyArgs.STREAM, "probe=yes"));
        assertEquals("--localscale: '0.5,0.2' is not allowed; expected min,max with 0 < min <= max <= 1",
                message(StudyArgs.STREAM, "localscale=0.5,0.2"));
        assertTrue(message(StudyArgs.FEED, "serve=best").startsWith("--serve: 'best' is not valid; expected one of query, key, average"));
    }

    @Test
    void usageListsEveryKeyWithItsDefault() {
        String usage = StudyArgs.usage("StreamStudy", StudyArgs.STREAM);
        assertEquals(StudyArgs.STREAM.size() + 1, usage.lines().count());
        assertTrue(usage.contains("  hidden       (32,64)"), usage);
        assertTrue(usage.contains("  localscale   (0.2,0.5)"), usage);
    }

    private static String message(List<Param<?>> table, String arg) {
        return assertThrows(IllegalArgumentException.class, () -> StudyArgs.parse(table, arg)).getMessage();
    }

    /** Each key's value then and now parse to the same typed value (the text may differ: "1e-3" is now "0.001"). */
    private static void assertSameValues(List<Param<?>> table, Map<String, String> before, Map<String, String> now) {
        for (Param<?> p : table) {
            Object then = p.parse(before.get(p.name()));
            assertTrue(Objects.deepEquals(then, p.parse(now.get(p.name()))), p.name() + ": " + before.get(p.name()) + " -> " + now.get(p.name()));
            assertTrue(Objects.deepEquals(then, p.defaultValue()), p.name());
        }
    }

    private static Map<String, String> pairs(String knobs) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"([^\"]+)\": \"([^\"]*)\"").matcher(knobs);
        while (m.find()) out.put(m.group(1), m.group(2));
        return out;
    }
}
