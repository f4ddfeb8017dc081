package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.state.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Serialises everything a learner needs to continue exactly where it stopped, as {@link StateCodec} sections: its
 * configuration, progress (step counters, divergence guard), the query encoder and the optimizer state, then the
 * sections its {@link Objective} keeps (MoCo and NNCLR: "key", "queue"; BYOL: "key", "predictor"; SimSiam:
 * "predictor").
 *
 * <p>A state written under another encoder, queue size or method is refused with a message naming the mismatch,
 * never silently replaced by a fresh start.
 */
public final class LearnerState {

    private static final String KIND = "learner";
    /** 6: {@link StateCodec}; CLS1 to CLS5 came before it, see {@link #restoreLegacy(Learner, byte[])}. */
    private static final int FORMAT = 6;
    private static final int CLS0 = 0x434C5330;   // "CLS0": CLSn is CLS0 + n

    private LearnerState() {}

    public static byte[] save(Learner learner) {
        StateCodec.Writer state = new StateCodec.Writer(KIND, FORMAT, sizeHint(learner))
                .section("configuration", out -> {
                    out.writeUTF(learner.encoderConfig().toJson());
                    out.writeInt(learner.config().queueSize());
                    out.writeUTF(learner.config().method().name());
                })
                .section("progress", out -> {
                    out.writeLong(learner.step());
                    out.writeLong(learner.skippedSteps());
                    out.writeDouble(learner.guard().scale());
                })
                .section("query", out -> writeArray(out, learner.queryParams()))
                .section("optimizer", out -> writeFloats(out, learner.optimizer().state()));
        for (Part p : learner.objective().parts()) p.save(state);
        return state.toBytes();
    }

    /** Restores a state saved by {@link #save} (or an earlier format) into a learner built with the same configuration. */
    public static void restore(Learner learner, byte[] state) {
        if (!StateCodec.encoded(state)) {
            restoreLegacy(learner, state);
            return;
        }
        StateCodec.Reader r = new StateCodec.Reader(state, KIND, FORMAT);
        r.read("configuration", in -> checkConfiguration(learner, in.readUTF(), in.readInt(), in.readUTF()));
        r.read("query", in -> assign(learner.queryParams(), StateCodec.readFloats(in), "query encoder"));
        r.read("optimizer", in -> learner.optimizer().restore(StateCodec.readFloats(in), "optimizer state"));
        for (Part p : learner.objective().parts()) p.restore(r);
        r.read("progress", in -> learner.restoreCounters(in.readLong(), in.readLong(), in.readDouble()));
    }

    /**
     * CLS1 to CLS5, the layouts from before {@link StateCodec}: the magic, encoder JSON, queue size, the method (CLS5;
     * CLS4 in some builds), step, skipped steps, guard scale (CLS2 on), then the query encoder, a key-encoder slot,
     * the optimizer state, a K×p queue slot (each row's sample id and enqueue step from CLS3 on), and from CLS4 a
     * predictor flag with the predictor and its optimizer state. Every method wrote the key and queue slots: SimCLR
     * and SimSiam their starting weights and BYOL, SimCLR and SimSiam an empty queue, read past here.
     */
    private static void restoreLegacy(Learner learner, byte[] state) {
        Objective objective = learner.objective();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int version = in.readInt() - CLS0;
            if (version < 1 || version > 5) throw new IllegalStateException("not a contrastream learner state");
            String encoder = in.readUTF();
            int queueSize = in.readInt();
            String method = version == 5 ? in.readUTF() : null;
            if (version == 4) {
                // CLS4 was written without the method (bc638c1) and with it after the queue size (8d4cada to 6ec9e96).
                // A method name is 4 to 7 bytes after its 2-byte length; read as the layout without it, those bytes
                // would be the top of a step of at least 2⁵⁰, so a name there is the tag. Otherwise nothing is consumed.
                in.mark(16);
                int length = in.readUnsignedShort();
                String name = length >= 4 && length <= 7 ? new String(in.readNBytes(length), StandardCharsets.US_ASCII) : "";
                if (Arrays.stream(LearnerConfig.Method.values()).anyMatch(m -> m.name().equals(name))) method = name;
                else in.reset();
            }
            checkConfiguration(learner, encoder, queueSize, method);   // without the method, the predictor flag tells
            long step = in.readLong();
            long skipped = in.readLong();
            double gradientScale = version >= 2 ? in.readDouble() : 0;   // 0: the guard re-learns its scale
            assign(learner.queryParams(), StateCodec.readFloats(in), "query encoder");
            float[] key = StateCodec.readFloats(in);
            if (objective.keyParams() != null) assign(objective.keyParams(), key, "key encoder");
            learner.optimizer().restore(StateCodec.readFloats(in), "optimizer state");
            int head = in.readInt();
            int size = in.readInt();
            float[] keys = StateCodec.readFloats(in);
            long[] ids = new long[queueSize];      // before CLS3: ids unknown (never masked)
            long[] steps = new long[queueSize];
            if (version >= 3) {
                for (int i = 0; i < queueSize; i++) ids[i] = in.readLong();
                for (int i = 0; i < queueSize; i++) steps[i] = in.readLong();
            } else {
                Arrays.fill(steps, step);           // enqueue steps unknown: age 0, so --queue-max-age keeps them
            }
            NegativeQueue q = objective.queue();
            if (q != null) q.restore(keys, head, size, ids, steps);
            boolean hasPredictor = version >= 4 && in.readBoolean();
            Predictor p = objective.predictor();
            if (hasPredictor != (p != null)) {
                throw new IllegalStateException("learner state was written " + (hasPredictor ? "with" : "without")
                        + " a predictor but the job's method " + learner.config().method()
                        + (p != null ? " needs one" : " has none"));
            }
            if (hasPredictor) {
                assign(p.params(), StateCodec.readFloats(in), "predictor");
                p.optimizer().restore(StateCodec.readFloats(in), "predictor optimizer state");
            }
            learner.restoreCounters(step, skipped, gradientScale);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt learner state", e);
        }
    }

    /** A part of a learner that its objective keeps (key encoder, queue, predictor), saved as its own sections. */
    interface Part {
        void save(StateCodec.Writer state);

        /** Reads back the sections {@link #save} wrote. */
        void restore(StateCodec.Reader state);
    }

    /** Refuses a state of another encoder, queue size or method ({@code method} null: the state does not say). */
    private static void checkConfiguration(Learner learner, String encoderJson, int queueSize, String method) {
        EncoderConfig saved = EncoderConfig.fromJson(encoderJson);
        if (!saved.equals(learner.encoderConfig())) {
            throw new IllegalStateException("learner state was written for encoder " + saved
                    + " but the job is configured with " + learner.encoderConfig());
        }
        if (queueSize != learner.config().queueSize()) {
            throw new IllegalStateException("learner state has queue size " + queueSize
                    + " but the job is configured with " + learner.config().queueSize());
        }
        if (method != null && !method.equals(learner.config().method().name())) {
            throw new IllegalStateException("learner state was written by method " + method
                    + " but the job is configured with " + learner.config().method());
        }
    }

    /** An array's values, preceded by their count (none for null: a stateless optimizer). */
    static void writeArray(DataOutputStream out, INDArray a) throws IOException {
        writeFloats(out, a == null || a.isEmpty() ? new float[0] : Nd4j.toFlattened('c', a).toFloatVector());
    }

    /** About the bytes of a saved state: the query encoder, Adam's two moments and a key encoder, plus the queue. */
    private static int sizeHint(Learner learner) {
        long p = learner.queryParams().length();
        NegativeQueue q = learner.queue();
        long queue = q == null ? 0 : (long) q.capacity() * (4L * q.dim() + 16);
        return (int) Math.min(Integer.MAX_VALUE - 8, 16 * p + queue + 4096);
    }

    /** Refuses saved values of another length than the configuration needs, naming {@code what}. */
    static void checkLength(float[] values, long expected, String what) {
        if (values.length != expected) {
            throw new IllegalStateException("learner state has " + values.length + " values for the " + what
                    + " but the job's configuration needs " + expected);
        }
    }

    static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        StateCodec.writeFloats(out, v, v.length);
    }

    /** Sets {@code target} to the saved values; a null target (a stateless optimizer) ignores them. */
    static void assign(INDArray target, float[] values, String what) {
        if (target == null) return;
        checkLength(values, target.length(), what);
        target.assign(Nd4j.create(values, target.shape(), DataType.FLOAT));
    }
}
