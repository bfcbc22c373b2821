package dev.tollgate.core.code;

import com.google.protobuf.ByteString;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A Code payment request intent, fully derived and signed, ready to be announced to the sequencer.
 *
 * <p>Everything here follows from (destination, amount, currency, nonce); the browser rebuilds the same id
 * from amount, currency and {@code clientSecret}. The rendezvous private key is not kept: it is only needed
 * to sign {@link #message()}, which has already happened.
 *
 * @param id                  intent id, base58 of the rendezvous public key
 * @param clientSecret        base58 of the nonce, handed to the browser
 * @param amount              the amount as the SDK normalises it (two decimals, JavaScript rounding)
 * @param currency            the currency the amount is denominated in
 * @param destination         base58 token account that receives the payment
 * @param nonce               the 11-byte nonce
 * @param payload             the 20-byte scan-code payload
 * @param rendezvousPublicKey 32-byte Ed25519 public key derived from the payload
 * @param message             serialized {@code Message}, the bytes that were signed
 * @param signature           rendezvous key's Ed25519 signature over {@code message}
 */
public record PaymentIntent(
        String id,
        String clientSecret,
        BigDecimal amount,
        CodeCurrency currency,
        String destination,
        IntentNonce nonce,
        ByteString payload,
        ByteString rendezvousPublicKey,
        ByteString message,
        ByteString signature) {

    public PaymentIntent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(rendezvousPublicKey, "rendezvousPublicKey");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signature, "signature");
    }

    /** The {@code SendMessageRequest} that announces this intent to the sequencer. */
    public MessagingWire.SendMessageRequest sendMessageRequest() {
        return new MessagingWire.SendMessageRequest(message, rendezvousPublicKey, signature);
    }

    /** Leaves out the client secret and nonce: they let anyone rebuild the rendezvous key. */
    @Override
    public String toString() {
        return "PaymentIntent[id=" + id + ", amount=" + amount + ", currency=" + currency
                + ", destination=" + destination + "]";
    }
}
