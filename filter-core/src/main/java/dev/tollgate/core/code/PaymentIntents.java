package dev.tollgate.core.code;

import com.google.protobuf.ByteString;
import java.math.BigDecimal;

/**
 * Creates payment intents exactly as the Code SDK's {@code PaymentRequestIntent} does, so that intent ids
 * agree byte for byte with the browser button and the wallet.
 */
public final class PaymentIntents {

    private PaymentIntents() {
    }

    /** Same idempotency key, same intent: safe to retry after a timeout. */
    public static PaymentIntent withIdempotencyKey(String destination, double amount, String currency,
                                                   String idempotencyKey) {
        return create(destination, amount, currency, IntentNonce.fromIdempotencyKey(idempotencyKey));
    }

    /** Rebuilds an intent the browser already knows by its client secret. */
    public static PaymentIntent withClientSecret(String destination, double amount, String currency,
                                                 String clientSecret) {
        return create(destination, amount, currency, IntentNonce.fromClientSecret(clientSecret));
    }

    /** A fresh intent with a random nonce. */
    public static PaymentIntent random(String destination, double amount, String currency) {
        return create(destination, amount, currency, IntentNonce.random());
    }

    /**
     * For callers holding prices as decimals: refuses more than two decimals instead of letting JavaScript
     * rounding silently change the price.
     */
    public static PaymentIntent create(String destination, BigDecimal amount, String currency, IntentNonce nonce) {
        if (amount == null) {
            throw new IllegalArgumentException("amount is required");
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("amount " + amount.toPlainString() + " has more than two decimals");
        }
        return create(destination, amount.doubleValue(), currency, nonce);
    }

    /**
     * @throws IllegalArgumentException naming the problem: unknown currency, bad destination, amount not
     *                                  positive, below the currency's minimum, or too large for the payload
     */
    public static PaymentIntent create(String destination, double amount, String currency, IntentNonce nonce) {
        CodeCurrency code = CodeCurrency.of(currency);
        byte[] account = requireDestination(destination);
        if (nonce == null) {
            throw new IllegalArgumentException("nonce is required");
        }
        BigDecimal fixed = CodeAmount.toFixed2(amount);
        if (fixed.signum() <= 0) {
            throw new IllegalArgumentException("amount must be positive, got " + amount + " " + code);
        }
        code.minimumAmount().ifPresent(minimum -> {
            if (fixed.compareTo(minimum) < 0) {
                throw new IllegalArgumentException("amount " + fixed.toPlainString() + " " + code
                        + " is below the minimum of " + minimum.toPlainString() + " " + code);
            }
        });
        if (fixed.movePointRight(2).compareTo(BigDecimal.valueOf(CodeAmount.MAX_CENTS)) > 0) {
            throw new IllegalArgumentException("amount " + fixed.toPlainString() + " " + code + " is too large");
        }
        double normalized = fixed.doubleValue();
        long cents = CodeAmount.cents(normalized);

        byte[] payload = CodePayload.paymentRequest(code, cents, nonce);
        RendezvousKey rendezvous = RendezvousKey.fromPayload(payload);
        byte[] message = requestToReceiveBill(account, code, normalized).encodeAsMessage();
        byte[] signature = rendezvous.sign(message);

        return new PaymentIntent(
                rendezvous.intentId(),
                nonce.clientSecret(),
                fixed,
                code,
                destination,
                nonce,
                ByteString.copyFrom(payload),
                ByteString.copyFrom(rendezvous.publicKey()),
                ByteString.copyFrom(message),
                ByteString.copyFrom(signature));
    }

    private static MessagingWire.RequestToReceiveBill requestToReceiveBill(byte[] account, CodeCurrency currency,
                                                                          double amount) {
        ByteString requestor = ByteString.copyFrom(account);
        if (currency.isKin()) {
            // Kin is Code's native unit: exact amount in quarks at a fixed rate of 1.
            return new MessagingWire.RequestToReceiveBill(requestor,
                    new MessagingWire.ExchangeData(currency.code(), 1, amount, CodeAmount.kinQuarks(amount)), null);
        }
        return new MessagingWire.RequestToReceiveBill(requestor, null,
                new MessagingWire.ExchangeDataWithoutRate(currency.code(), amount));
    }

    private static byte[] requireDestination(String destination) {
        if (destination == null || destination.isEmpty()) {
            throw new IllegalArgumentException("destination is required");
        }
        try {
            return Base58.decode(destination, MessagingWire.ACCOUNT_LENGTH, "destination");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid destination '" + destination + "': " + e.getMessage(), e);
        }
    }
}
