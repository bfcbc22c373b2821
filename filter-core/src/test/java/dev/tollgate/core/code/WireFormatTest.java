package dev.tollgate.core.code;

import static dev.tollgate.core.code.CodeVectors.hex;
import static dev.tollgate.core.code.CodeVectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final JsonNode INTENT = CodeVectors.paymentIntent();
    private static final JsonNode STATUS = CodeVectors.getStatus();

    private static PaymentIntent vectorIntent() {
        return PaymentIntents.withIdempotencyKey(text(INTENT, "destination"), 10, "usd", "1234");
    }

    private static byte[] sendMessageEnvelope(PaymentIntent intent) {
        return SequencerEnvelope.Request.of(MessagingWire.SERVICE, MessagingWire.SEND_MESSAGE,
                intent.sendMessageRequest().encode()).encode();
    }

    @Test
    void sendMessageEnvelopeMatchesTheVectorByteForByte() {
        assertEquals(text(INTENT, "sendMessageEnvelope"), hex(sendMessageEnvelope(vectorIntent())));
    }

    @Test
    void sendMessageEnvelopeDecodesBackToTheIntent() {
        SequencerEnvelope.Request request = SequencerEnvelope.Request.decode(hex(INTENT, "sendMessageEnvelope"));
        assertNull(request.version());
        assertEquals("Messaging", request.service());
        assertEquals("sendMessage", request.method());
        MessagingWire.SendMessageRequest send = MessagingWire.SendMessageRequest.decode(request.body().toByteArray());
        assertEquals(text(INTENT, "message"), hex(send.message().toByteArray()));
        assertEquals(text(INTENT, "rendezvousPublicKey"), hex(send.rendezvousKey().toByteArray()));
        MessagingWire.RequestToReceiveBill bill =
                MessagingWire.RequestToReceiveBill.decodeMessage(send.message().toByteArray());
        assertEquals("usd", bill.currency());
        assertEquals(10.0, bill.nativeAmount());
        assertEquals(ByteString.copyFrom(new byte[32]), bill.requestorAccount());
    }

    @Test
    void bareRequestToReceiveBillMatchesTheSdkSignedBytes() {
        // The SDK's sign test lists these as signedBytes; the legacy JSON API sends them as "message".
        byte[] message = hex(INTENT, "message");
        byte[] bill = MessagingWire.RequestToReceiveBill.decodeMessage(message).encode();
        assertEquals(text(INTENT, "message").substring(4), hex(bill));
    }

    @Test
    void versionIsEncodedFirstWhenSet() {
        byte[] encoded = new SequencerEnvelope.Request("1", "S", "m", ByteString.EMPTY).encode();
        assertEquals("0a01311201531a016d", hex(encoded));
    }

    @Test
    void getStatusRequestBodyMatchesTheVector() {
        byte[] body = MicroPaymentWire.GetStatusRequest.forIntent(text(STATUS, "intentId")).encode();
        assertEquals(text(STATUS, "requestBody"), hex(body));
    }

    @Test
    void getStatusRequestDecodesToTheIntentId() {
        assertEquals(text(STATUS, "intentId"),
                MicroPaymentWire.GetStatusRequest.decode(hex(STATUS, "requestBody")).intentIdBase58());
    }

    @Test
    void getStatusResponseVectorMeansExistsScannedAndSubmitted() {
        MicroPaymentWire.GetStatusResponse response = MicroPaymentWire.GetStatusResponse.decode(hex(STATUS, "responseBody"));
        assertEquals(new MicroPaymentWire.GetStatusResponse(true, true, true), response);
        assertEquals(text(STATUS, "responseBody"), hex(response.encode()));
    }

    @Test
    void unknownIntentStatusIsAnEmptyBody() {
        MicroPaymentWire.GetStatusResponse unknown = MicroPaymentWire.GetStatusResponse.decode(new byte[0]);
        assertFalse(unknown.exists());
        assertEquals(0, unknown.encode().length);
    }

    @Test
    void responseEnvelopeRoundTrips() {
        SequencerEnvelope.Response error = SequencerEnvelope.Response.error("nope");
        assertEquals("08011a046e6f7065", hex(error.encode()));
        assertEquals(error, SequencerEnvelope.Response.decode(error.encode()));
        SequencerEnvelope.Response ok = SequencerEnvelope.Response.ok(new byte[] {8, 1});
        assertEquals("12020801", hex(ok.encode()));
        assertTrue(SequencerEnvelope.Response.decode(ok.encode()).isOk());
    }

    @Test
    void sendMessageResponseNoActiveStreamIsNotOk() {
        MessagingWire.SendMessageResponse response = MessagingWire.SendMessageResponse.decode(hex("0801"));
        assertFalse(response.isOk());
        assertTrue(MessagingWire.SendMessageResponse.decode(new byte[0]).isOk());
    }

    @Test
    void truncatedEnvelopeIsRejected() {
        byte[] full = hex(INTENT, "sendMessageEnvelope");
        byte[] truncated = Arrays.copyOf(full, full.length - 10);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> SequencerEnvelope.Request.decode(truncated));
        assertTrue(e.getMessage().startsWith("Request:"), e.getMessage());
    }

    @Test
    void garbageIsRejectedAsMalformed() {
        assertThrows(MalformedMessageException.class,
                () -> SequencerEnvelope.Response.decode("<html>502 Bad Gateway</html>".getBytes()));
        assertThrows(MalformedMessageException.class, () -> SequencerEnvelope.Response.decode(hex("ff")));
        assertThrows(MalformedMessageException.class, () -> SequencerEnvelope.Response.decode(hex("00")));
    }

    @Test
    void wrongWireTypeIsRejected() {
        // field 1 (result) as a length-delimited value
        assertThrows(MalformedMessageException.class, () -> SequencerEnvelope.Response.decode(hex("0a0101")));
    }

    @Test
    void repeatedSingularFieldIsRejected() {
        assertThrows(MalformedMessageException.class,
                () -> MicroPaymentWire.GetStatusResponse.decode(hex("08010800")));
    }

    @Test
    void groupWireTypeIsRejected() {
        assertThrows(MalformedMessageException.class, () -> SequencerEnvelope.Response.decode(hex("2b2c")));
    }

    @Test
    void boolOtherThanZeroOrOneIsRejected() {
        assertThrows(MalformedMessageException.class, () -> MicroPaymentWire.GetStatusResponse.decode(hex("0802")));
    }

    @Test
    void oversizedEnvelopeIsRejectedBeforeParsing() {
        byte[] huge = new byte[SequencerEnvelope.MAX_ENVELOPE_BYTES + 1];
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> SequencerEnvelope.Response.decode(huge));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void unknownFieldsAreSkipped() {
        // field 15 varint 7, then exists=true
        assertTrue(MicroPaymentWire.GetStatusResponse.decode(hex("78070801")).exists());
    }

    @Test
    void rendezvousKeyOfTheWrongSizeIsRejected() {
        byte[] body = new ProtoWriter()
                .message(1, hex(INTENT, "message"))
                .message(2, MessagingWire.wrapValue(ByteString.copyFrom(new byte[31])))
                .message(3, MessagingWire.wrapValue(ByteString.copyFrom(new byte[64])))
                .toByteArray();
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessagingWire.SendMessageRequest.decode(body));
        assertTrue(e.getMessage().startsWith("RendezvousKey:"), e.getMessage());
    }

    @Test
    void messageOfAnotherKindIsRejected() {
        assertThrows(MalformedMessageException.class,
                () -> MessagingWire.RequestToReceiveBill.decodeMessage(hex("1200")));
    }

    @Test
    void billWithBothExactAndPartialDataIsRejected() {
        byte[] bill = new ProtoWriter()
                .message(1, MessagingWire.wrapValue(ByteString.copyFrom(new byte[32])))
                .message(2, new MessagingWire.ExchangeData("kin", 1, 1, 100000).encode())
                .message(3, new MessagingWire.ExchangeDataWithoutRate("usd", 1).encode())
                .toByteArray();
        byte[] message = new ProtoWriter().message(5, bill).toByteArray();
        assertThrows(MalformedMessageException.class, () -> MessagingWire.RequestToReceiveBill.decodeMessage(message));
    }

    @Test
    void envelopeBodyIsCopiedVerbatim() {
        byte[] body = vectorIntent().sendMessageRequest().encode();
        SequencerEnvelope.Request decoded = SequencerEnvelope.Request.decode(sendMessageEnvelope(vectorIntent()));
        assertArrayEquals(body, decoded.body().toByteArray());
    }
}
