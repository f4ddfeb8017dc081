package io.contrastream.model.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HalvesTest {

    @Test
    void everyIndexRunsOnceAndTheSecondHalfOnTheHelper() {
        int n = 1001;
        int[] hits = new int[n];
        ConcurrentHashMap<String, Boolean> threads = new ConcurrentHashMap<>();
        Halves.run(n, 2, (from, to) -> {
            threads.put(Thread.currentThread().getName(), true);
            for (int i = from; i < to; i++) hits[i]++;
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits[i], "index " + i);
        assertEquals(2, threads.size(), "two threads: " + threads.keySet());
    }

    @Test
    void belowTheSplitSizeEverythingRunsHere() {
        List<String> threads = new CopyOnWriteArrayList<>();
        Halves.run(10, 11, (from, to) -> threads.add(from + ".." + to + " " + Thread.currentThread().getName()));
        assertEquals(List.of("0..10 " + Thread.currentThread().getName()), threads);
    }

    @Test
    void aThreadThatWorksAloneNeverHandsWorkToTheHelper() {
        List<String> threads = new CopyOnWriteArrayList<>();
        Blas.alone(() -> {
            Halves.run(100, 2, (from, to) -> threads.add(from + ".." + to + " " + Thread.currentThread().getName()));
            return null;
        });
        assertEquals(List.of("0..100 " + Thread.currentThread().getName()), threads);
        Halves.run(100, 2, (from, to) -> threads.add(Thread.currentThread().getName()));
        assertEquals(3, threads.size(), "outside alone(), split again");
    }

    @Test
    void aFailureInTheHelpersHalfIsThrownHereAndTheHelperWorksOn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Halves.run(4, 2, (from, to) -> {
            if (from > 0) throw new IllegalArgumentException("second half");
        }));
        assertEquals("second half", e.getMessage());
        List<String> threads = new CopyOnWriteArrayList<>();
        Halves.run(4, 2, (from, to) -> threads.add(Thread.currentThread().getName()));
        assertEquals(2, threads.size());
        assertNotEquals(threads.get(0), threads.get(1));
    }
}
