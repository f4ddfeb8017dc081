package io.contrastream.model.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServingSpaceStateTest {

    private static final int D = 5;

    @Test
    void theBulkWriterKeepsTheValueByValueLayout() throws Exception {
        ServingSpace space = new ServingSpace(ServingSpace.Mechanism.ALIGN, ServingSpace.MIN_ANCHORS, D, "space-a");
        float[] rows = rows(7, 3);
        space.offer(rows, 3);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(expected)) {   // the layout as written before the bulk path
            out.writeInt(ServingSpace.MAGIC);
            out.writeUTF("space-a");
            out.writeInt(D);
            out.writeInt(3);
            for (float v : rows) out.writeFloat(v);
            out.writeInt(0);
        }
        assertArrayEquals(expected.toByteArray(), space.save());
    }

    @Test
    void savedBytesAreReusedUntilTheAnchorsOrTheStateChange() throws Exception {
        ServingSpace space = new ServingSpace(ServingSpace.Mechanism.ALIGN, ServingSpace.MIN_ANCHORS, D, "space-a");
        space.offer(rows(1, 4), 4);
        byte[] first = space.save();
        assertSame(first, space.save());
        space.offer(rows(2, 1), 1);
        byte[] second = space.save();
        assertNotSame(first, second);

        ServingSpace other = new ServingSpace(ServingSpace.Mechanism.ALIGN, ServingSpace.MIN_ANCHORS, D, "space-b");
        other.offer(rows(3, 5), 5);
        other.save();
        other.restore(second, null, null);   // as many anchors as before, but others: the cache must not answer
        assertArrayEquals(second, other.save());
    }

    private static float[] rows(long seed, int n) {
        Random random = new Random(seed);
        float[] v = new float[n * D];
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian();
        return v;
    }
}
