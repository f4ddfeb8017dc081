package io.contrastream.pipeline.decode;

import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.FloatList;
import io.contrastream.schema.Sample;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;

/**
 * Decodes and validates one Sample record against the configured input shape; every failure is a {@link Rejection}.
 * Records of the current schema are read by a hand-written codec straight into a {@code float[]}; any other writer
 * schema goes through Avro's schema resolution, with the same rejections either way.
 */
public final class SampleDecoder implements Serializable {

    private static final int MAX_ID_LENGTH = 1024;

    private final int[] shape;
    private final int size;

    public SampleDecoder(int[] shape) {
        this.shape = shape.clone();
        int n = 1;
        for (int s : shape) n = Math.multiplyExact(n, s);
        this.size = n;
        AvroCodec.init();
    }

    public Instance decode(byte[] bytes) throws Rejection {
        return decode(bytes, true);
    }

    /** {@code handWritten} false: every record by Avro's schema-resolving path, as before issue 17 (for the tests). */
    Instance decode(byte[] bytes, boolean handWritten) throws Rejection {
        if (bytes == null || bytes.length == 0) throw new Rejection(Rejection.Reason.EMPTY, "empty record value");
        Sample s;
        try {
            s = handWritten ? AvroCodec.decode(Sample.class, bytes) : AvroCodec.decode(Sample.getDecoder(), bytes);
        } catch (MissingSchemaException e) {
            throw new Rejection(Rejection.Reason.UNKNOWN_SCHEMA, "not a Sample: " + e.getMessage());
        } catch (BadHeaderException e) {
            throw new Rejection(Rejection.Reason.UNDECODABLE, "not Avro single-object encoding: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            // A declared length Avro tried to honour (the JVM refuses the single huge array; nothing was allocated).
            throw new Rejection(Rejection.Reason.UNDECODABLE, "undecodable Sample: a declared length is too large");
        } catch (Exception | StackOverflowError e) {
            // Truncated or bit-flipped Avro surfaces as EOF, AvroRuntimeException, limit or index errors.
            throw new Rejection(Rejection.Reason.UNDECODABLE, "undecodable Sample: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + truncate(e.getMessage())));
        }
        return validate(s);
    }

    Instance validate(Sample s) throws Rejection {
        if (s.getId() == null || s.getId().isEmpty() || s.getId().length() > MAX_ID_LENGTH) {
            throw new Rejection(Rejection.Reason.BAD_ID, "sample id must have 1 to " + MAX_ID_LENGTH + " characters");
        }
        List<Integer> got = s.getShape();
        boolean shapeOk = got.size() == shape.length;
        for (int i = 0; shapeOk && i < shape.length; i++) shapeOk = got.get(i) == shape[i];
        if (!shapeOk) {
            throw new Rejection(Rejection.Reason.WRONG_SHAPE, "shape " + got + " does not match the configured input shape "
                    + Arrays.toString(shape));
        }
        // Unboxed, whichever path decoded the record; the hand-written codec's array needs no copy: s is dropped.
        float[] x = s.getValues() instanceof FloatList f ? f.array() : FloatList.toArray(s.getValues());
        if (x.length != size) {
            throw new Rejection(Rejection.Reason.WRONG_SHAPE, x.length + " values do not fill shape " + got + " (" + size + ")");
        }
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite(x[i])) {
                throw new Rejection(Rejection.Reason.NON_FINITE, "value " + x[i] + " at index " + i);
            }
        }
        Integer label = s.getLabel();
        if (label != null && label < 0) throw new Rejection(Rejection.Reason.BAD_LABEL, "label " + label + " is negative");
        return new Instance(s.getId(), s.getEventTime().toEpochMilli(), x, label == null ? Instance.NO_LABEL : label);
    }

    private static String truncate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
