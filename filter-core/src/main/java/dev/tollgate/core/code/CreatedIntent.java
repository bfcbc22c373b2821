package dev.tollgate.core.code;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * What this server remembers of an intent it created: enough to tell later whether a presented intent id is
 * one of its own and what it was for. The client secret is not kept: nobody needs it after creation.
 *
 * @param id          the intent id (base58 rendezvous public key)
 * @param route       the route the intent was created for
 * @param amount      the amount as the browser and the wallet see it (two decimals)
 * @param currency    the currency of the amount
 * @param destination the account that receives the payment
 * @param expiresAt   after this the intent is forgotten and can no longer be redeemed
 */
public record CreatedIntent(String id, String route, BigDecimal amount, CodeCurrency currency,
                            String destination, Instant expiresAt) {

    public CreatedIntent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public String price() {
        return amount.toPlainString() + " " + currency.code();
    }
}
