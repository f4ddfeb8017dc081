package io.contrastream.model.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AugmentersTest {

    static Stream<int[]> shapes() {
        return Stream.of(new int[] {64}, new int[] {3, 50}, new int[] {3, 16, 16}, new int[] {1, 28, 28});
    }

    private static float[] sample(int[] shape, long seed) {
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] x = new float[n];
        SplittableRandom data = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            x[i] = (float) data.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void sameSeedGivesIdenticalOutput(int[] shape) {
        Augmenter a = Augmenters.forShape(shape, AugmentConfig.defaults());
        float[] x = sample(shape, 1);
        assertArrayEquals(a.apply(x, new SplittableRandom(42)), a.apply(x, new SplittableRandom(42)));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void differentSeedsGiveDifferentOutput(int[] shape) {
        Augmenter a = Augmenters.forShape(shape, AugmentConfig.defaults());
        float[] x = sample(shape, 1);
        assertFalse(Arrays.equals(a.apply(x, new SplittableRandom(1)), a.apply(x, new SplittableRandom(2))));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void outputIsANewFiniteArrayOfTheSameLengthAndInputIsUntouched(int[] shape) {
        Augmenter a = Augmenters.forShape(shape, AugmentConfig.defaults().withStrength(2));
        float[] x = sample(shape, 3);
        float[] before = x.clone();
        SplittableRandom rng = new SplittableRandom(4);
        for (int trial = 0; trial < 200; trial++) {
            float[] y = a.apply(x, rng);
            assertFalse(y == x);
            assertEquals(x.length, y.length);
            for (float v : y) {
                assertTrue(Float.isFinite(v));
            }
        }
        assertArrayEquals(before, x);
    }

    @Test
    void forShapePicksTheAugmenterByRank() {
        AugmentConfig cfg = AugmentConfig.defaults();
        assertInstanceOf(VectorAugmenter.class, Augmenters.forShape(new int[] {8}, cfg));
        assertInstanceOf(SequenceAugmenter.class, Augmenters.forShape(new int[] {3, 100}, cfg));
        ImageAugmenter img = assertInstanceOf(ImageAugmenter.class, Augmenters.forShape(new int[] {3, 32, 24}, cfg));
        assertEquals(List.of(3, 32, 24), List.of(img.channels(), img.height(), img.width()));
    }

    @Test
    void forShapeRejectsOtherRanksAndBadDimensionsNamingTheShape() {
        AugmentConfig cfg = AugmentConfig.defaults();
        IllegalArgumentException rank4 = assertThrows(
                IllegalArgumentException.class, () -> Augmenters.forShape(new int[] {1, 3, 28, 28}, cfg));
        assertTrue(rank4.getMessage().startsWith("shape must have rank in [1, 3]"), rank4.getMessage());
        assertTrue(rank4.getMessage().contains("[1, 3, 28, 28]"), rank4.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Augmenters.forShape(new int[0], cfg));
        IllegalArgumentException zero = assertThrows(
                IllegalArgumentException.class, () -> Augmenters.forShape(new int[] {3, 0, 28}, cfg));
        assertTrue(zero.getMessage().contains("[3, 0, 28]"), zero.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Augmenters.forShape(new int[] {65536, 65536, 2}, cfg));
        assertThrows(IllegalArgumentException.class, () -> Augmenters.forShape(null, cfg));
        assertThrows(IllegalArgumentException.class, () -> Augmenters.forShape(new int[] {4}, null));
    }

    @Test
    void twoViewsAppliesOneTransformTwiceInOrder() {
        int[] shape = {3, 16, 16};
        Augmenter a = Augmenters.forShape(shape, AugmentConfig.defaults());
        float[] x = sample(shape, 5);
        TwoViews p = Augmenters.twoViews(a, x, new SplittableRandom(6));
        SplittableRandom replay = new SplittableRandom(6);
        assertArrayEquals(a.apply(x, replay), p.first());
        assertArrayEquals(a.apply(x, replay), p.second());
        assertFalse(Arrays.equals(p.first(), p.second()));
    }

    @Test
    void rngForIsStableAndPinned() {
        assertEquals(Augmenters.rngFor(42, "sample-1").nextLong(), Augmenters.rngFor(42, "sample-1").nextLong());
        // Pinned (and cross-checked against an independent re-implementation of the documented
        // derivation) so that an accidental change, which would silently alter every replayed view,
        // fails here.
        assertEquals(PINNED_42_SAMPLE_1, Augmenters.rngFor(42, "sample-1").nextLong());
    }

    private static final long PINNED_42_SAMPLE_1 = 5241253008151555966L;

    @Test
    void rngForSeparatesSeedsIdsAndTrailingBytes() {
        long base = Augmenters.rngFor(42, "sample-1").nextLong();
        assertNotEquals(base, Augmenters.rngFor(43, "sample-1").nextLong());
        assertNotEquals(base, Augmenters.rngFor(42, "sample-2").nextLong());
        assertNotEquals(Augmenters.rngFor(1, "a").nextLong(), Augmenters.rngFor(1, "a\u0000").nextLong());
        assertNotEquals(Augmenters.rngFor(1, "").nextLong(), Augmenters.rngFor(1, "\u0000").nextLong());
        assertNotEquals(Augmenters.rngFor(1, "abcdefgh").nextLong(), Augmenters.rngFor(1, "abcdefgi").nextLong());
        assertNotEquals(Augmenters.rngFor(1, "é").nextLong(), Augmenters.rngFor(1, "e").nextLong());
        long distinct = IntStream.range(0, 10_000)
                .mapToLong(i -> Augmenters.rngFor(7, "id-" + i).nextLong()).distinct().count();
        assertEquals(10_000, distinct);
        assertThrows(IllegalArgumentException.class, () -> Augmenters.rngFor(1, null));
    }

    @Test
    void viewsDependOnlyOnSeedAndIdNotOnProcessingOrder() {
        int[] shape = {1, 28, 28};
        Augmenter a = Augmenters.forShape(shape, AugmentConfig.defaults());
        List<Integer> ids = new ArrayList<>(IntStream.range(0, 200).boxed().toList());
        Map<Integer, TwoViews> sequential = new ConcurrentHashMap<>();
        for (int id : ids) {
            sequential.put(id, Augmenters.twoViews(a, sample(shape, id), Augmenters.rngFor(9, "s" + id)));
        }
        Collections.shuffle(ids, new java.util.Random(10));
        Map<Integer, TwoViews> parallel = new ConcurrentHashMap<>();
        ids.parallelStream().forEach(id ->
                parallel.put(id, Augmenters.twoViews(a, sample(shape, id), Augmenters.rngFor(9, "s" + id))));
        for (int id : ids) {
            assertArrayEquals(sequential.get(id).first(), parallel.get(id).first());
            assertArrayEquals(sequential.get(id).second(), parallel.get(id).second());
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void augmenterSurvivesJavaSerialization(int[] shape) throws Exception {
        Augmenter a = Augmenters.forShape(shape, AugmentConfig.defaults());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        Augmenter copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (Augmenter) in.readObject();
        }
        float[] x = sample(shape, 11);
        assertArrayEquals(a.apply(x, new SplittableRandom(12)), copy.apply(x, new SplittableRandom(12)));
    }

    @Test
    void viewPairRejectsMissingOrMismatchedViews() {
        assertThrows(IllegalArgumentException.class, () -> new TwoViews(null, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> new TwoViews(new float[1], null));
        assertThrows(IllegalArgumentException.class, () -> new TwoViews(new float[1], new float[2]));
    }
}
