package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Serialises everything a learner needs to continue exactly where it stopped: the query encoder, the optimizer state
 * and the step counter, and in the slots of its {@link Parts} what the method's objective keeps (key encoder, queue
 * and its position, predictor).
 *
 * <p>A state written under another encoder or queue configuration is refused with a message naming the mismatch,
 * never silently replaced by a fresh start.
 */
public final class LearnerState {

    private static final int MAGIC = 0x434C5335;   // "CLS5": CLS4 + the method that wrote it
    private static final int MAGIC_V4 = 0x434C5334; // "CLS4": CLS3 + the predictor (BYOL, SimSiam) and its optimizer
    private static final int MAGIC_V3 = 0x434C5333; // "CLS3": CLS2 + each queue row's sample id and enqueue step
    private static final int MAGIC_V2 = 0x434C5332; // "CLS2": CLS1 + the divergence guard's gradient scale
    private static final int MAGIC_V1 = 0x434C5331;

    private LearnerState() {}

    public static byte[] save(Learner learner) {
        Parts parts = learner.objective().parts();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeUTF(learner.encoderConfig().toJson());
            out.writeInt(learner.config().queueSize());
            out.writeUTF(learner.config().method().name());
            out.writeLong(learner.step());
            out.writeLong(learner.skippedSteps());
            out.writeDouble(learner.guard().scale());
            writeArray(out, learner.queryParams());
            parts.key().write(out);
            INDArray updater = learner.updaterState();
            writeArray(out, updater == null ? Nd4j.empty(DataType.FLOAT) : updater);
            parts.queue().write(out);
            out.writeBoolean(parts.predictor() != null);
            if (parts.predictor() != null) parts.predictor().write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Restores a state saved by {@link #save} into a learner built with the same configuration. */
    public static void restore(Learner learner, byte[] state) {
        Parts parts = learner.objective().parts();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_V4 && magic != MAGIC_V3 && magic != MAGIC_V2 && magic != MAGIC_V1) {
                throw new IllegalStateException("not a contrastream learner state");
            }
            EncoderConfig saved = EncoderConfig.fromJson(in.readUTF());
            if (!saved.equals(learner.encoderConfig())) {
                throw new IllegalStateException("learner state was written for encoder " + saved
                        + " but the job is configured with " + learner.encoderConfig());
            }
            int queueSize = in.readInt();
            if (queueSize != learner.config().queueSize()) {
                throw new IllegalStateException("learner state has queue size " + queueSize
                        + " but the job is configured with " + learner.config().queueSize());
            }
            String method = magic == MAGIC ? in.readUTF() : magic == MAGIC_V4 ? methodTagIfAny(in) : null;
            if (method != null) {
                if (!method.equals(learner.config().method().name())) {
                    throw new IllegalStateException("learner state was written by method " + method
                            + " but the job is configured with " + learner.config().method());
                }
            }   // older states do not say: the predictor check below is all that can be told
            long step = in.readLong();
            long skipped = in.readLong();
            double gradientScale = magic != MAGIC_V1 ? in.readDouble() : 0;   // 0: the guard re-learns its scale
            Layout layout = new Layout(magic == MAGIC || magic == MAGIC_V4 || magic == MAGIC_V3, step);
            assign(learner.queryParams(), readFloats(in), "query encoder");
            parts.key().read(in, layout);
            float[] updater = readFloats(in);
            if (learner.updaterState() != null) assign(learner.updaterState(), updater, "optimizer state");
            parts.queue().read(in, layout);
            boolean hasPredictor = (magic == MAGIC || magic == MAGIC_V4) && in.readBoolean();
            if (hasPredictor != (parts.predictor() != null)) {
                throw new IllegalStateException("learner state was written " + (hasPredictor ? "with" : "without")
                        + " a predictor but the job's method " + learner.config().method()
                        + (parts.predictor() != null ? " needs one" : " has none"));
            }
            if (hasPredictor) parts.predictor().read(in, layout);
            learner.restoreCounters(step, skipped, gradientScale);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt learner state", e);
        }
    }

    /**
     * CLS4 was written in two layouts: without the method (bc638c1) and with it after the queue size (8d4cada to
     * 6ec9e96). A method name is 4 to 7 bytes after its 2-byte length; read as the layout without it, those bytes would
     * be the top of a step of at least 2⁵⁰, so a name there is the tag. Otherwise nothing is consumed.
     */
    private static String methodTagIfAny(DataInputStream in) throws IOException {
        in.mark(16);
        int length = in.readUnsignedShort();
        if (length >= 4 && length <= 7) {
            byte[] name = in.readNBytes(length);
            for (LearnerConfig.Method m : LearnerConfig.Method.values()) {
                if (m.name().equals(new String(name, java.nio.charset.StandardCharsets.US_ASCII))) return m.name();
            }
        }
        in.reset();
        return null;
    }

    /**
     * What a state being restored carries besides what every layout has: each queue row's sample id and enqueue step
     * (CLS3 on); and its step.
     */
    record Layout(boolean queueRows, long step) {}

    /** One slot of a saved state that an objective fills: it writes its bytes there and reads them back. */
    interface Part {
        void write(DataOutputStream out) throws IOException;

        void read(DataInputStream in, Layout layout) throws IOException;
    }

    /**
     * An objective's slots, in the layout's order: a key encoder's weights after the query encoder's, the queue after
     * the optimizer state, then the predictor behind a presence flag (null: none).
     */
    record Parts(Part key, Part queue, Part predictor) {}

    /** The slot of an array of weights: its length, then its values. */
    static Part array(INDArray target, String what) {
        return new Part() {
            @Override
            public void write(DataOutputStream out) throws IOException {
                writeArray(out, target);
            }

            @Override
            public void read(DataInputStream in, Layout layout) throws IOException {
                assign(target, readFloats(in), what);
            }
        };
    }

    /** The queue's slot: its head, fill, keys, then each row's sample id and enqueue step. */
    static Part queue(NegativeQueue q) {
        return new Part() {
            @Override
            public void write(DataOutputStream out) throws IOException {
                out.writeInt(q.head());
                out.writeInt(q.size());
                writeArray(out, q.storage());
                for (long id : q.ids()) out.writeLong(id);
                for (long s : q.steps()) out.writeLong(s);
            }

            @Override
            public void read(DataInputStream in, Layout layout) throws IOException {
                int head = in.readInt();
                int size = in.readInt();
                float[] keys = readFloats(in);
                long[] ids = new long[q.capacity()];     // older states: ids unknown (never masked)
                long[] steps = new long[q.capacity()];
                if (layout.queueRows()) {
                    for (int i = 0; i < ids.length; i++) ids[i] = in.readLong();
                    for (int i = 0; i < steps.length; i++) steps[i] = in.readLong();
                } else {
                    java.util.Arrays.fill(steps, layout.step());   // enqueue steps unknown: age 0, so --queue-max-age keeps them
                }
                q.restore(Nd4j.create(keys, new long[] {q.capacity(), q.dim()}, DataType.FLOAT), head, size, ids, steps);
            }
        };
    }

    /**
     * The queue's slot of a method without a queue: the layout has always carried an empty K×p queue there, so one is
     * written (without allocating it) and, on restore, read past.
     */
    static Part noQueue(int capacity, int dim) {
        return new Part() {
            @Override
            public void write(DataOutputStream out) throws IOException {
                out.writeInt(0);                                        // head
                out.writeInt(0);                                        // size
                out.writeInt(capacity * dim);                           // K×p keys, all 0
                for (int i = 0; i < capacity * dim; i++) out.writeFloat(0);
                for (int i = 0; i < 2 * capacity; i++) out.writeLong(0);   // ids, then enqueue steps
            }

            @Override
            public void read(DataInputStream in, Layout layout) throws IOException {
                in.readInt();
                in.readInt();
                in.skipNBytes(4L * in.readInt());
                if (layout.queueRows()) in.skipNBytes(2L * 8 * capacity);
            }
        };
    }

    /** The predictor's slot: its weights, then its optimizer state. */
    static Part predictor(Predictor p) {
        return new Part() {
            @Override
            public void write(DataOutputStream out) throws IOException {
                writeArray(out, p.params());
                writeArray(out, p.updaterState() == null ? Nd4j.empty(DataType.FLOAT) : p.updaterState());
            }

            @Override
            public void read(DataInputStream in, Layout layout) throws IOException {
                assign(p.params(), readFloats(in), "predictor");
                float[] u = readFloats(in);
                if (p.updaterState() != null) assign(p.updaterState(), u, "predictor optimizer state");
            }
        };
    }

    private static void writeArray(DataOutputStream out, INDArray a) throws IOException {
        float[] v = a.isEmpty() ? new float[0] : Nd4j.toFlattened('c', a).toFloatVector();
        out.writeInt(v.length);
        for (float f : v) out.writeFloat(f);
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        float[] v = new float[in.readInt()];
        for (int i = 0; i < v.length; i++) v[i] = in.readFloat();
        return v;
    }

    private static void assign(INDArray target, float[] values, String what) {
        if (values.length != target.length()) {
            throw new IllegalStateException("learner state has " + values.length + " values for the " + what
                    + " but the job's configuration needs " + target.length());
        }
        target.assign(Nd4j.create(values, target.shape(), DataType.FLOAT));
    }
}
