package io.contrastream.pipeline.ui;

/** A minimal JSON writer for the live page's state, so the page needs no JSON library on the classpath. */
final class Json {

    private final StringBuilder out = new StringBuilder(4096);
    /** Whether the next value in the current object or array needs a comma before it. */
    private boolean comma;

    Json beginObject() { value(); out.append('{'); comma = false; return this; }

    Json endObject() { out.append('}'); comma = true; return this; }

    Json beginArray() { value(); out.append('['); comma = false; return this; }

    Json endArray() { out.append(']'); comma = true; return this; }

    Json key(String name) {
        value();
        string(name);
        out.append(':');
        comma = false;
        return this;
    }

    Json str(String s) {
        value();
        if (s == null) out.append("null");
        else string(s);
        comma = true;
        return this;
    }

    /** A number; NaN, infinities and null become {@code null}, which JSON has no other way to say. */
    Json num(Double d) {
        value();
        if (d == null || !Double.isFinite(d)) out.append("null");
        else if (d == Math.rint(d) && Math.abs(d) < 1e15) out.append((long) (double) d);
        else out.append(d);
        comma = true;
        return this;
    }

    Json num(long v) {
        value();
        out.append(v);
        comma = true;
        return this;
    }

    /** A number rounded to {@code digits} decimals: the map's coordinates need no more on a screen. */
    Json round(double d, int digits) {
        if (!Double.isFinite(d)) return num((Double) null);
        double scale = Math.pow(10, digits);
        return num(Math.rint(d * scale) / scale);
    }

    Json bool(boolean b) {
        value();
        out.append(b);
        comma = true;
        return this;
    }

    private void value() {
        if (comma) out.append(',');
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // Also escapes '<' so a string can never close a script element if the JSON is ever inlined.
                    if (c < 0x20 || c == '<' || c == 0x2028 || c == 0x2029) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
