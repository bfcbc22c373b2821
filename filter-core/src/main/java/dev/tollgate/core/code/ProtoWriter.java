package dev.tollgate.core.code;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Canonical proto3 encoding, the way protobuf-es (the JS SDK) emits it: callers write fields in ascending
 * field-number order and default values (empty, zero, false) are omitted. Signatures are computed over these
 * bytes, so "canonical" is not a nicety: any other byte layout breaks the byte-for-byte vectors.
 */
final class ProtoWriter {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
    private final CodedOutputStream out = CodedOutputStream.newInstance(buffer);

    ProtoWriter string(int field, String value) {
        if (value != null && !value.isEmpty()) {
            io(() -> out.writeString(field, value));
        }
        return this;
    }

    ProtoWriter bytes(int field, ByteString value) {
        if (value != null && !value.isEmpty()) {
            io(() -> out.writeBytes(field, value));
        }
        return this;
    }

    /** An embedded message is written whenever it is present, even if it encodes to nothing. */
    ProtoWriter message(int field, byte[] encoded) {
        if (encoded != null) {
            io(() -> out.writeByteArray(field, encoded));
        }
        return this;
    }

    /** Zero (including -0.0, as in JavaScript) is the default and is omitted. */
    ProtoWriter doubleValue(int field, double value) {
        if (value != 0.0) {
            io(() -> out.writeDouble(field, value));
        }
        return this;
    }

    ProtoWriter uint64(int field, long value) {
        if (value != 0L) {
            io(() -> out.writeUInt64(field, value));
        }
        return this;
    }

    ProtoWriter bool(int field, boolean value) {
        if (value) {
            io(() -> out.writeBool(field, true));
        }
        return this;
    }

    ProtoWriter enumValue(int field, int value) {
        if (value != 0) {
            io(() -> out.writeEnum(field, value));
        }
        return this;
    }

    byte[] toByteArray() {
        io(out::flush);
        return buffer.toByteArray();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            // Only a ByteArrayOutputStream is behind the stream; this cannot happen.
            throw new UncheckedIOException(e);
        }
    }
}
