package dev.tollgate.core.code;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Strict, bounded reader for one level of a proto3 message. Input is checked against a size limit before any
 * parsing; truncation, wrong wire types, groups and repeated occurrences of a known field are all rejected
 * (canonical encoders never repeat a singular field, so a repeat is an attempt to confuse us). Unknown fields
 * of ordinary wire types are skipped, so a newer server can add fields without breaking us.
 */
final class ProtoReader {

    private final CodedInputStream in;
    private final String type;
    private long seenFields;
    private int tag;

    ProtoReader(byte[] data, String type, int maxBytes) {
        if (data == null) {
            throw new MalformedMessageException(type + ": no data");
        }
        if (data.length > maxBytes) {
            throw new MalformedMessageException(
                    type + ": " + data.length + " bytes exceeds the limit of " + maxBytes);
        }
        this.in = CodedInputStream.newInstance(data);
        this.type = type;
    }

    /** Advances to the next field and returns its number, or 0 at the end of the message. */
    int nextField() {
        try {
            tag = in.readTag();
        } catch (IOException e) {
            throw malformed("invalid tag", e);
        }
        if (tag == 0) {
            return 0;
        }
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == WireFormat.WIRETYPE_START_GROUP || wireType == WireFormat.WIRETYPE_END_GROUP
                || wireType > WireFormat.WIRETYPE_FIXED32) {
            throw malformed("unsupported wire type " + wireType + " for field " + field(), null);
        }
        return field();
    }

    String string(int maxLength) {
        expect(WireFormat.WIRETYPE_LENGTH_DELIMITED);
        try {
            String value = in.readStringRequireUtf8();
            if (value.length() > maxLength) {
                throw malformed("field " + field() + " longer than " + maxLength + " characters", null);
            }
            return value;
        } catch (IOException e) {
            throw malformed("field " + field() + " is not a valid string", e);
        }
    }

    ByteString bytes(int maxLength) {
        expect(WireFormat.WIRETYPE_LENGTH_DELIMITED);
        try {
            ByteString value = in.readBytes();
            if (value.size() > maxLength) {
                throw malformed("field " + field() + " longer than " + maxLength + " bytes", null);
            }
            return value;
        } catch (IOException e) {
            throw malformed("field " + field() + " is truncated", e);
        }
    }

    /** An embedded message, returned raw so the caller decodes it with its own reader and limits. */
    byte[] message(int maxLength) {
        return bytes(maxLength).toByteArray();
    }

    double doubleValue() {
        expect(WireFormat.WIRETYPE_FIXED64);
        try {
            return in.readDouble();
        } catch (IOException e) {
            throw malformed("field " + field() + " is truncated", e);
        }
    }

    long uint64() {
        expect(WireFormat.WIRETYPE_VARINT);
        try {
            return in.readUInt64();
        } catch (IOException e) {
            throw malformed("field " + field() + " is not a valid varint", e);
        }
    }

    boolean bool() {
        long value = uint64();
        if (value != 0 && value != 1) {
            throw malformed("field " + field() + " is not a boolean: " + value, null);
        }
        return value == 1;
    }

    int enumValue() {
        long value = uint64();
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw malformed("field " + field() + " is not a valid enum value", null);
        }
        return (int) value;
    }

    void skip() {
        try {
            in.skipField(tag);
        } catch (IOException e) {
            throw malformed("unknown field " + field() + " is truncated", e);
        }
    }

    MalformedMessageException malformed(String problem, Throwable cause) {
        return new MalformedMessageException(type + ": " + problem, cause);
    }

    private int field() {
        return WireFormat.getTagFieldNumber(tag);
    }

    private void expect(int wireType) {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw malformed("field " + field() + " has wire type " + WireFormat.getTagWireType(tag)
                    + ", expected " + wireType, null);
        }
        int field = field();
        if (field < 64) {
            long bit = 1L << field;
            if ((seenFields & bit) != 0) {
                throw malformed("field " + field + " occurs more than once", null);
            }
            seenFields |= bit;
        }
    }
}
