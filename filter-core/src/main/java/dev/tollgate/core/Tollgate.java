package dev.tollgate.core;

import dev.tollgate.core.code.CodeIntentVerifier;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.evm.LocalExactEvmPaymentVerifier;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentGate;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.RequestView;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.verify.PaymentSettler;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.wire.HeaderCodec;
import java.util.Optional;

/**
 * A configured Tollgate: the route table and the gate behind it. Adapters hold one and ask it two things:
 * which terms apply to a request, and what the request gets.
 */
public final class Tollgate implements AutoCloseable {
    private final TollgateConfig config;
    private final PaymentGate gate;
    private final ReplayLedger ledger;
    private final FacilitatorWiring facilitator;
    private final CodeIntentVerifier codeIntents;
    private volatile boolean closed;

    private Tollgate(TollgateConfig config) {
        this.config = config;
        FacilitatorWiring wiring = null;
        try {
            wiring = FacilitatorWiring.of(config);
            PaymentVerifier verifier = config.verifier() != null ? config.verifier() : wiring.verifier();
            if (verifier instanceof LocalExactEvmPaymentVerifier local && wiring.verifier() != null
                    && wiring.proofApi() == null) {
                // Hybrid mode: what only the chain can check (a smart wallet's signature) goes to the facilitator's
                // x402 /verify. The proof-API dialect verifies payments already made, not an authorization.
                verifier = local.withContractSignaturesFrom(wiring.verifier());
            }
            PaymentSettler settler = config.settler() != null ? config.settler() : wiring.settler();
            this.ledger = config.ledger() != null ? config.ledger() : new InMemoryReplayLedger(config.clock());
            this.codeIntents = config.codeIntentApi() == null ? null : new CodeIntentVerifier(config.codeIntentApi(),
                    config.codeIntentStore(), ledger, config.clock(), config.codeIntentLifetime());
            this.gate = new PaymentGate(verifier, settler, ledger, new HeaderCodec(config.maxHeaderBytes()),
                    config.clock(), config.listener(), config.maxClaim(), wiring.proofApi(), codeIntents,
                    config.ledgerFailure(), config.paymentIdentifier());
        } catch (RuntimeException | Error e) {
            // The facilitator's start-up check can fail (a facilitator without a configured network) after the
            // settings made a ledger that only this Tollgate would close. Nobody holds a Tollgate that failed, so a
            // filter or application failing to start would leave the ledger's client, pool and threads running, and
            // the web application's class loader with them, on every attempt.
            if (wiring != null) {
                wiring.close();
            }
            TollgateConfig.closeAll(config.madeToClose());
            if (config.ownsLedger()) {
                try {
                    config.ledger().close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        this.facilitator = wiring;
        boolean settlesOverHttp = config.settler() == null && wiring.settler() != null
                && (wiring.proofApi() == null || config.facilitatorPolicy().proofApiSettle());
        if (config.ownsLedger()) {
            gate.ownerClosesLedger();
        }
        if (config.ownsLedger() && settlesOverHttp) {
            // Closing closes both the ledger and the client that settles: a handler still running then can never be
            // settled, and its claim would outlive the ledger that could release it. (A settler supplied in code, or
            // the proof-API dialect without /settle, may still settle after the close: those claims are kept.)
            gate.releaseRunningOnClose();
        }
        if (config.ledgerFailure().failOpen()) {
            System.getLogger("dev.tollgate.ledger").log(System.Logger.Level.WARNING, "ledger.onUnavailable=open: "
                    + "while the replay ledger is unreachable, paid requests are admitted WITHOUT replay protection");
        }
    }

    public static Tollgate create(TollgateConfig config) {
        return new Tollgate(config);
    }

    public TollgateConfig config() {
        return config;
    }

    /** The terms of the first route matching this method and (normalized) path, if any. */
    public Optional<PaymentTerms> termsFor(String method, String path) {
        return config.routes().match(method, path);
    }

    /**
     * Creates and checks Code intents against this Tollgate's store and ledger; an application's create-intent
     * endpoint calls {@link CodeIntentVerifier#create} with the route's {@link PaymentTerms#code()}. Empty when
     * no setting mentions Code.
     */
    public Optional<CodeIntentVerifier> codeIntents() {
        return Optional.ofNullable(codeIntents);
    }

    /**
     * Checks terms made after start-up (a JAX-RS resource method's) against the facilitator's {@code /supported}, as
     * the routes' were when this Tollgate was made; nothing when {@code facilitator.supported.check=false} or no
     * facilitator is used.
     *
     * @throws dev.tollgate.core.config.ConfigurationException naming {@code network} when the facilitator answered
     *         and lacks one of the terms' networks
     */
    public void checkSupported(PaymentTerms terms) {
        if (facilitator.startup() != null) {
            facilitator.startup().checkAlso(terms.options());
        }
    }

    public Decision check(RequestView view, PaymentTerms terms) {
        return gate.check(view, terms);
    }

    /**
     * Stops the background facilitator check, if one is still running, releases the facilitator's connection
     * pool, closes a listener or facilitator authorization that the settings made by class name and that is
     * {@link AutoCloseable} (a failing close is logged, not thrown), and closes the ledger if it was made from
     * settings, after releasing the claims of paid handlers still running, which can no longer be settled (their
     * answers get 503, as a refused settlement does; nothing waits for them). A check or a session's ending under way
     * keeps that ledger open until it is done, and a daemon thread closes it after the last of them (or after {@code
     * ledger.closeTimeout}, naming what still ran): a settlement that began before the close and found the
     * facilitator client closed still releases its claim, and no request's answer waits for the ledger's shutdown.
     * What was supplied in code belongs to its supplier.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        facilitator.close();
        gate.closing();
        TollgateConfig.closeAll(config.madeToClose());
        if (config.ownsLedger()) {
            gate.closeLedgerWhenIdle(ledger::close, config.ledgerCloseTimeout());
        }
    }

    /** Whether {@link #close} was called; closing again does nothing. */
    public boolean isClosed() {
        return closed;
    }
}
