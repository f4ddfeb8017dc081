package io.contrastream.pipeline.io;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.specific.SpecificRecord;

/**
 * A hand-written Avro binary reader and writer for one record type, for exactly its current schema: it moves
 * {@code array<float>} fields as {@code float[]} (see {@link FloatList}) where Avro's generic code boxes every value.
 */
interface RecordCodec<T extends SpecificRecord> {

    /** The schema whose binary layout this codec hard-codes; records of any other writer schema take Avro's path. */
    Schema schema();

    /** About how many bytes the record takes, when that is large enough to size the output buffer by (else 0). */
    default int sizeHint(T record) {
        return 0;
    }

    /** Writes the record body exactly as Avro's generic writer would, byte for byte. */
    void write(T record, BinaryEncoder out) throws IOException;

    /** A deep copy: new arrays (never boxed), the immutable strings and instants shared. */
    T copy(T record);

    /** Reads one record body of at most {@code bytes} bytes (a bound for what a declared length may allocate). */
    T read(BinaryDecoder in, int bytes) throws IOException;
}
