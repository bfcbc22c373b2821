package dev.tollgate.core.code;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * The parts of {@code code.messaging.v1} a merchant needs: the payment request message the rendezvous key
 * signs, and the {@code Messaging/sendMessage} call that hands it to the sequencer.
 */
public final class MessagingWire {

    public static final String SERVICE = "Messaging";
    public static final String SEND_MESSAGE = "sendMessage";

    /** {@code SendMessageResponse.Result}: OK = 0, NO_ACTIVE_STREAM = 1. */
    public static final int SEND_RESULT_OK = 0;
    public static final int SEND_RESULT_NO_ACTIVE_STREAM = 1;

    static final int ACCOUNT_LENGTH = 32;
    private static final int MAX_MESSAGE_BYTES = 4096;
    private static final int MAX_CURRENCY_LENGTH = 16;
    private static final int MAX_ID_BYTES = 64;

    /** {@code Message} oneof "kind" field carrying a {@code RequestToReceiveBill}. */
    private static final int MESSAGE_REQUEST_TO_RECEIVE_BILL = 5;

    private MessagingWire() {
    }

    /** {@code code.transaction.v2.ExchangeData}: used for kin, where the amount is exact in quarks. */
    public record ExchangeData(String currency, double exchangeRate, double nativeAmount, long quarks) {

        byte[] encode() {
            return new ProtoWriter()
                    .string(1, currency)
                    .doubleValue(2, exchangeRate)
                    .doubleValue(3, nativeAmount)
                    .uint64(4, quarks)
                    .toByteArray();
        }

        static ExchangeData decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "ExchangeData", MAX_MESSAGE_BYTES);
            String currency = "";
            double rate = 0;
            double amount = 0;
            long quarks = 0;
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1 -> currency = reader.string(MAX_CURRENCY_LENGTH);
                    case 2 -> rate = reader.doubleValue();
                    case 3 -> amount = reader.doubleValue();
                    case 4 -> quarks = reader.uint64();
                    default -> reader.skip();
                }
            }
            return new ExchangeData(currency, rate, amount, quarks);
        }
    }

    /** {@code code.transaction.v2.ExchangeDataWithoutRate}: fiat, the wallet applies its own rate. */
    public record ExchangeDataWithoutRate(String currency, double nativeAmount) {

        byte[] encode() {
            return new ProtoWriter()
                    .string(1, currency)
                    .doubleValue(2, nativeAmount)
                    .toByteArray();
        }

        static ExchangeDataWithoutRate decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "ExchangeDataWithoutRate", MAX_MESSAGE_BYTES);
            String currency = "";
            double amount = 0;
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1 -> currency = reader.string(MAX_CURRENCY_LENGTH);
                    case 2 -> amount = reader.doubleValue();
                    default -> reader.skip();
                }
            }
            return new ExchangeDataWithoutRate(currency, amount);
        }
    }

    /**
     * {@code RequestToReceiveBill{requestor_account=1, exact=2 | partial=3}}; exactly one of {@code exact} and
     * {@code partial} is set. Fields the SDK sets only for logins and fees (4..8) are not produced here.
     */
    public record RequestToReceiveBill(ByteString requestorAccount, ExchangeData exact,
                                       ExchangeDataWithoutRate partial) {

        public RequestToReceiveBill {
            Objects.requireNonNull(requestorAccount, "requestorAccount");
            if (requestorAccount.size() != ACCOUNT_LENGTH) {
                throw new IllegalArgumentException(
                        "requestor account must be " + ACCOUNT_LENGTH + " bytes, got " + requestorAccount.size());
            }
            if ((exact == null) == (partial == null)) {
                throw new IllegalArgumentException("exactly one of exact and partial exchange data is required");
            }
        }

        public String currency() {
            return exact != null ? exact.currency() : partial.currency();
        }

        public double nativeAmount() {
            return exact != null ? exact.nativeAmount() : partial.nativeAmount();
        }

        /** The bare {@code RequestToReceiveBill}; the legacy JSON API transmits this (and signs the Message). */
        public byte[] encode() {
            return new ProtoWriter()
                    .message(1, solanaAccountId(requestorAccount))
                    .message(2, exact == null ? null : exact.encode())
                    .message(3, partial == null ? null : partial.encode())
                    .toByteArray();
        }

        /** The serialized {@code Message} wrapping this request: the exact bytes the rendezvous key signs. */
        public byte[] encodeAsMessage() {
            return new ProtoWriter().message(MESSAGE_REQUEST_TO_RECEIVE_BILL, encode()).toByteArray();
        }

        /** Decodes a {@code Message}; any kind other than a request to receive a bill is refused. */
        public static RequestToReceiveBill decodeMessage(byte[] message) {
            ProtoReader reader = new ProtoReader(message, "Message", MAX_MESSAGE_BYTES);
            byte[] bill = null;
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1, 3 -> reader.skip(); // message id and sequencer signature, set by the server only
                    case MESSAGE_REQUEST_TO_RECEIVE_BILL -> bill = reader.message(MAX_MESSAGE_BYTES);
                    default -> throw reader.malformed("unsupported message kind (field " + field + ")", null);
                }
            }
            if (bill == null) {
                throw reader.malformed("no request_to_receive_bill", null);
            }
            return decode(bill);
        }

        /** Decodes a bare {@code RequestToReceiveBill}. */
        public static RequestToReceiveBill decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "RequestToReceiveBill", MAX_MESSAGE_BYTES);
            ByteString account = null;
            ExchangeData exact = null;
            ExchangeDataWithoutRate partial = null;
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1 -> account = valueOf(reader.message(MAX_MESSAGE_BYTES), "SolanaAccountId", ACCOUNT_LENGTH);
                    case 2 -> exact = ExchangeData.decode(reader.message(MAX_MESSAGE_BYTES));
                    case 3 -> partial = ExchangeDataWithoutRate.decode(reader.message(MAX_MESSAGE_BYTES));
                    default -> reader.skip();
                }
            }
            if (account == null) {
                throw reader.malformed("requestor_account is missing", null);
            }
            if ((exact == null) == (partial == null)) {
                throw reader.malformed("needs exactly one of exact and partial exchange data", null);
            }
            return new RequestToReceiveBill(account, exact, partial);
        }
    }

    /** {@code SendMessageRequest{message=1, rendezvous_key=2{value}, signature=3{value}}}. */
    public record SendMessageRequest(ByteString message, ByteString rendezvousKey, ByteString signature) {

        public SendMessageRequest {
            Objects.requireNonNull(message, "message");
            requireLength(rendezvousKey, RendezvousKey.PUBLIC_KEY_LENGTH, "rendezvous key");
            requireLength(signature, RendezvousKey.SIGNATURE_LENGTH, "signature");
        }

        public byte[] encode() {
            return new ProtoWriter()
                    .message(1, message.toByteArray())
                    .message(2, wrapValue(rendezvousKey))
                    .message(3, wrapValue(signature))
                    .toByteArray();
        }

        public static SendMessageRequest decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "SendMessageRequest", SequencerEnvelope.MAX_ENVELOPE_BYTES);
            ByteString message = null;
            ByteString key = null;
            ByteString signature = null;
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1 -> message = reader.bytes(MAX_MESSAGE_BYTES);
                    case 2 -> key = valueOf(reader.message(MAX_MESSAGE_BYTES), "RendezvousKey",
                            RendezvousKey.PUBLIC_KEY_LENGTH);
                    case 3 -> signature = valueOf(reader.message(MAX_MESSAGE_BYTES), "Signature",
                            RendezvousKey.SIGNATURE_LENGTH);
                    default -> reader.skip();
                }
            }
            if (message == null || key == null || signature == null) {
                throw reader.malformed("message, rendezvous_key and signature are all required", null);
            }
            return new SendMessageRequest(message, key, signature);
        }
    }

    /** {@code SendMessageResponse{result=1, message_id=2{value}}}; the id is optional (set when OK). */
    public record SendMessageResponse(int result, ByteString messageId) {

        public SendMessageResponse {
            messageId = messageId == null ? ByteString.EMPTY : messageId;
        }

        public boolean isOk() {
            return result == SEND_RESULT_OK;
        }

        public byte[] encode() {
            return new ProtoWriter()
                    .enumValue(1, result)
                    .message(2, messageId.isEmpty() ? null : wrapValue(messageId))
                    .toByteArray();
        }

        public static SendMessageResponse decode(byte[] data) {
            ProtoReader reader = new ProtoReader(data, "SendMessageResponse", MAX_MESSAGE_BYTES);
            int result = SEND_RESULT_OK;
            ByteString id = ByteString.EMPTY;
            for (int field; (field = reader.nextField()) != 0; ) {
                switch (field) {
                    case 1 -> result = reader.enumValue();
                    case 2 -> id = valueOf(reader.message(MAX_MESSAGE_BYTES), "MessageId", -1);
                    default -> reader.skip();
                }
            }
            return new SendMessageResponse(result, id);
        }
    }

    static byte[] solanaAccountId(ByteString account) {
        return wrapValue(account);
    }

    /** The many single-field wrappers ({@code SolanaAccountId}, {@code Signature}, ...) are all {value=1}. */
    static byte[] wrapValue(ByteString value) {
        return new ProtoWriter().bytes(1, value).toByteArray();
    }

    /**
     * Unwraps a {value=1} wrapper, insisting on the exact length when one is given (-1: at most
     * {@value #MAX_ID_BYTES} bytes).
     */
    static ByteString valueOf(byte[] wrapper, String type, int exactLength) {
        ProtoReader reader = new ProtoReader(wrapper, type, MAX_MESSAGE_BYTES);
        ByteString value = ByteString.EMPTY;
        for (int field; (field = reader.nextField()) != 0; ) {
            if (field == 1) {
                value = reader.bytes(exactLength < 0 ? MAX_ID_BYTES : exactLength);
            } else {
                reader.skip();
            }
        }
        if (exactLength >= 0 && value.size() != exactLength) {
            throw reader.malformed("value must be " + exactLength + " bytes, got " + value.size(), null);
        }
        return value;
    }

    private static void requireLength(ByteString value, int length, String what) {
        if (value == null || value.size() != length) {
            throw new IllegalArgumentException(
                    what + " must be " + length + " bytes, got " + (value == null ? "none" : value.size()));
        }
    }
}
