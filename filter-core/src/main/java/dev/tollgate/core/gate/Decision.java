package dev.tollgate.core.gate;

/** The gate's verdict on one request to a protected route. */
public sealed interface Decision {

    /** 402: pay (again). Carries the v1 body and the v2 {@code PAYMENT-REQUIRED} header. */
    record Challenge(HttpAnswer answer, String reason) implements Decision {
    }

    /** A verified proof, claimed in the ledger: run the handler, then {@link PaymentSession#complete}. */
    record Admit(PaymentSession session) implements Decision {
    }

    /** Neither content nor a challenge: 400 malformed request, 502/503 facilitator trouble. */
    record Reject(HttpAnswer answer, String reason) implements Decision {
    }
}
