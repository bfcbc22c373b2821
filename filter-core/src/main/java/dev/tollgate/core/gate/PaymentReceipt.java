package dev.tollgate.core.gate;

/**
 * What the handler of a paid request may know about the payment. {@code transaction} is known before the
 * handler runs only in {@link SettlementMode#BEFORE}; otherwise it is null until settlement.
 */
public record PaymentReceipt(
        int x402Version,
        String scheme,
        String network,
        String asset,
        String amount,
        String payTo,
        String payer,
        String transaction) {

    /** Request attribute / context key under which adapters expose the receipt. */
    public static final String ATTRIBUTE = PaymentReceipt.class.getName();

    PaymentReceipt withTransaction(String tx) {
        return new PaymentReceipt(x402Version, scheme, network, asset, amount, payTo, payer, tx);
    }
}
