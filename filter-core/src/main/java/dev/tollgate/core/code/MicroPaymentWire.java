package dev.tollgate.core.code;

import com.google.protobuf.ByteString;

/** The {@code code.micropayment.v1} status query a merchant uses to confirm a payment. */
public final class MicroPaymentWire {

    public static final String SERVICE = "MicroPayment";
    public static final String GET_STATUS = "getStatus";

    private static final int MAX_BYTES = 1024;

    private MicroPaymentWire() {
    }

    /** {@code GetStatusRequest{intent_id=1{value=32 bytes}}}. */
    public record GetStatusRequest(ByteString intentId) {

        public GetStatusRequest {
            if (intentId == null || intentId.size() != RendezvousKey.PUBLIC_KEY_LENGTH) {
                throw new IllegalArgumentException("intent id must be " + RendezvousKey.PUBLIC_KEY_LENGTH + " bytes");
            }
        }

        /** @throws IllegalArgumentException if the id is not base58 of 32 bytes */
        public static GetStatusRequest forIntent(String intentId) {
            return new GetStatusRequest(ByteString.copyFrom(
                    Base58.decode(intentId, RendezvousKey.PUBLIC_KEY_LENGTH, "intent id")));
        }

        public String intentIdBase58() {
            return Base58.encode(intentId.toByteArray());
        }

        public byte[] encode() {
            return new ProtoWriter().message(1, MessagingWire.wrapValue(intentId)).toByteArray();
        }

        public static GetStatusRequest decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "GetStatusRequest", MAX_BYTES);
            ByteString id = null;
            for (int field; (field = reader.nextField()) != 0; ) {
                if (field == 1) {
                    id = MessagingWire.valueOf(reader.message(MAX_BYTES), "IntentId", RendezvousKey.PUBLIC_KEY_LENGTH);
                } else {
                    reader.skip();
                }
            }
            if (id == null) {
                throw reader.malformed("intent_id is missing", null);
            }
            return new GetStatusRequest(id);
        }
    }

    /**
     * {@code GetStatusResponse{exists=1, code_scanned=2, intent_submitted=3}}. An unknown intent is all false,
     * which encodes to zero bytes; that is a valid answer, not a malformed one.
     */
    public record GetStatusResponse(boolean exists, boolean codeScanned, boolean intentSubmitted) {

        public byte[] encode() {
            return new ProtoWriter()
                    .bool(1, exists)
                    .bool(2, codeScanned)
                    .bool(3, intentSubmitted)
                    .toByteArray();
        }

        public static GetStatusResponse decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "GetStatusResponse", MAX_BYTES);
            boolean exists = false;
            boolean scanned = false;
            boolean submitted = false;
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1 -> exists = reader.bool();
                    case 2 -> scanned = reader.bool();
                    case 3 -> submitted = reader.bool();
                    default -> reader.skip();
                }
            }
            return new GetStatusResponse(exists, scanned, submitted);
        }
    }
}
