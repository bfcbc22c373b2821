package dev.tollgate.core.code;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * The {@code code.common.v1.Request}/{@code Response} envelope the sequencer's HTTP API wraps every RPC in:
 * one POST endpoint, the service and method named inside the body.
 */
public final class SequencerEnvelope {

    /** Upper bound for any envelope we accept; real ones are a few hundred bytes. */
    public static final int MAX_ENVELOPE_BYTES = 64 * 1024;

    /** {@code Response.Result}: anything but OK means the sequencer refused the call. */
    public static final int RESULT_OK = 0;
    public static final int RESULT_ERROR = 1;

    private static final int MAX_NAME_LENGTH = 64;
    private static final int MAX_ERROR_MESSAGE_LENGTH = 4096;

    private SequencerEnvelope() {
    }

    /**
     * {@code Request{version=1, service=2, method=3, body=4}}. The JS client leaves {@code version} empty, so
     * callers normally pass {@code null} and the field is omitted.
     */
    public record Request(String version, String service, String method, ByteString body) {

        public Request {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(method, "method");
            body = body == null ? ByteString.EMPTY : body;
        }

        public static Request of(String service, String method, byte[] body) {
            return new Request(null, service, method, ByteString.copyFrom(body));
        }

        public byte[] encode() {
            return new ProtoWriter()
                    .string(1, version)
                    .string(2, service)
                    .string(3, method)
                    .bytes(4, body)
                    .toByteArray();
        }

        public static Request decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "Request", MAX_ENVELOPE_BYTES);
            String version = null;
            String service = "";
            String method = "";
            ByteString body = ByteString.EMPTY;
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1 -> version = reader.string(MAX_NAME_LENGTH);
                    case 2 -> service = reader.string(MAX_NAME_LENGTH);
                    case 3 -> method = reader.string(MAX_NAME_LENGTH);
                    case 4 -> body = reader.bytes(MAX_ENVELOPE_BYTES);
                    default -> reader.skip();
                }
            }
            return new Request(version, service, method, body);
        }
    }

    /** {@code Response{result=1, body=2, message=3}}. */
    public record Response(int result, ByteString body, String message) {

        public Response {
            body = body == null ? ByteString.EMPTY : body;
            message = message == null ? "" : message;
        }

        public static Response ok(byte[] body) {
            return new Response(RESULT_OK, ByteString.copyFrom(body), "");
        }

        public static Response error(String message) {
            return new Response(RESULT_ERROR, ByteString.EMPTY, message);
        }

        public boolean isOk() {
            return result == RESULT_OK;
        }

        public byte[] encode() {
            return new ProtoWriter()
                    .enumValue(1, result)
                    .bytes(2, body)
                    .string(3, message)
                    .toByteArray();
        }

        public static Response decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "Response", MAX_ENVELOPE_BYTES);
            int result = RESULT_OK;
            ByteString body = ByteString.EMPTY;
            String message = "";
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1 -> result = reader.enumValue();
                    case 2 -> body = reader.bytes(MAX_ENVELOPE_BYTES);
                    case 3 -> message = reader.string(MAX_ERROR_MESSAGE_LENGTH);
                    default -> reader.skip();
                }
            }
            return new Response(result, body, message);
        }
    }
}
