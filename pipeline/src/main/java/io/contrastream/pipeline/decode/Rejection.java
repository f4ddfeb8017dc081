package io.contrastream.pipeline.decode;

/** Why an input record cannot be used; {@link Reason} is the machine-readable kind written to the dead letter. */
public final class Rejection extends Exception {

    /** The kinds of bad input the job recognises. */
    public enum Reason { EMPTY, UNDECODABLE, UNKNOWN_SCHEMA, WRONG_SHAPE, NON_FINITE, BAD_LABEL, BAD_ID }

    private final Reason reason;

    public Rejection(Reason reason, String detail) {
        super(detail, null, false, false);   // no stack trace: rejections are data, and there may be millions
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
