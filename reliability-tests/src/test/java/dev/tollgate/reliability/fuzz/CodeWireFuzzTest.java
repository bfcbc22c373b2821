package dev.tollgate.reliability.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.core.code.Base58;
import dev.tollgate.core.code.MalformedMessageException;
import dev.tollgate.core.code.MessagingWire;
import dev.tollgate.core.code.MicroPaymentWire;
import dev.tollgate.core.code.SequencerEnvelope;

/**
 * The Code sequencer's protobuf messages, decoded by ProtoReader through every wire class. A sequencer (or
 * whoever answers in its place) may send anything: the decoders answer a value or
 * {@link MalformedMessageException}, nothing else, and never take time or memory beyond the input's size.
 */
class CodeWireFuzzTest {

    @FuzzTest
    void codeMessagesDecodeOrAreRefused(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 8);
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            switch (which) {
                case 0 -> SequencerEnvelope.Request.decode(bytes);
                case 1 -> SequencerEnvelope.Response.decode(bytes);
                case 2 -> MessagingWire.RequestToReceiveBill.decode(bytes);
                case 3 -> MessagingWire.RequestToReceiveBill.decodeMessage(bytes);
                case 4 -> MessagingWire.SendMessageRequest.decode(bytes);
                case 5 -> MessagingWire.SendMessageResponse.decode(bytes);
                case 6 -> MicroPaymentWire.GetStatusRequest.decode(bytes);
                case 7 -> MicroPaymentWire.GetStatusResponse.decode(bytes);
                default -> Base58.decode(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1), 32, "key");
            }
        } catch (MalformedMessageException refused) {
            // the message is refused with a reason
        } catch (IllegalArgumentException refused) {
            if (which != 8) {
                throw new AssertionError("a decoder threw a plain IllegalArgumentException, not "
                        + "MalformedMessageException", refused);
            }
        }
    }
}
