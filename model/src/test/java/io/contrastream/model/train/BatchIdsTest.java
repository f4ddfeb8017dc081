package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchIdsTest {

    @Test
    void findsEveryRowOfEveryIdInOrderAndNothingElse() {
        SplittableRandom rng = new SplittableRandom(9);
        BatchIds table = new BatchIds();
        for (int round = 0; round < 20; round++) {
            int b = 1 + rng.nextInt(300);
            long[] ids = new long[b];
            for (int i = 0; i < b; i++) ids[i] = rng.nextInt(4) == 0 ? 0 : rng.nextLong(1, b + 1) * 0x100000001L;   // repeats, unknowns
            table.reset(ids, b);
            for (long id = 0; id <= b + 1; id++) {
                long key = id * 0x100000001L;
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < b; i++) if (key != 0 && ids[i] == key) expected.add(i);
                List<Integer> found = new ArrayList<>();
                for (int i = table.first(key); i >= 0; i = table.next(i)) found.add(i);
                assertEquals(expected, found, "id " + key + " in round " + round);
            }
        }
    }
}
