package dev.tollgate.core;

import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.evm.LocalExactEvmPaymentVerifier;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.gate.ProofApiSupport;
import dev.tollgate.core.route.Route;
import dev.tollgate.core.verify.CircuitBreaker;
import dev.tollgate.core.verify.FacilitatorDialect;
import dev.tollgate.core.verify.FacilitatorHttp;
import dev.tollgate.core.verify.FacilitatorPolicy;
import dev.tollgate.core.verify.FacilitatorSettings;
import dev.tollgate.core.verify.GuardedFacilitator;
import dev.tollgate.core.verify.HttpFacilitatorClient;
import dev.tollgate.core.verify.PaymentSettler;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.verify.ProofApiClient;
import dev.tollgate.core.verify.SupportedCatalog;
import dev.tollgate.core.verify.VerificationCache;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured facilitator, assembled: one connection pool to it ({@link FacilitatorHttp}), the dialect's
 * client over that pool, behind the guard (circuit breaker, concurrency bound, optional retry), behind the
 * verification cache; the {@code /supported} start-up check; and the gate's proof-API support when that
 * dialect is chosen. Empty when no facilitator URL is configured. Closing it releases the pool.
 */
record FacilitatorWiring(PaymentVerifier verifier, PaymentSettler settler, ProofApiSupport proofApi,
                         GuardedFacilitator guard, FacilitatorStartup startup, FacilitatorHttp http)
        implements AutoCloseable {

    static FacilitatorWiring of(TollgateConfig config) {
        FacilitatorSettings settings = config.facilitator();
        if (settings == null) {
            return new FacilitatorWiring(null, null, null, null, null, null);
        }
        FacilitatorPolicy policy = config.facilitatorPolicy();
        // The guard lets maxConcurrentCalls calls through at once; one more connection serves the /supported
        // checks, which do not go through the guard. No call then waits for a connection.
        FacilitatorHttp http = new FacilitatorHttp(settings, policy.maxConcurrentCalls() + 1,
                config.facilitatorAuthorization());
        try {
            return of(config, settings, policy, http);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    private static FacilitatorWiring of(TollgateConfig config, FacilitatorSettings settings, FacilitatorPolicy policy,
                                        FacilitatorHttp http) {
        boolean proofApi = policy.dialect() == FacilitatorDialect.PROOF_API;
        PaymentVerifier client;
        PaymentSettler settle;
        if (proofApi) {
            ProofApiClient c = new ProofApiClient(http, policy.proofApiSettle());
            client = c;
            settle = c;
        } else {
            HttpFacilitatorClient c = new HttpFacilitatorClient(http);
            client = c;
            settle = c;
        }
        GuardedFacilitator guard = new GuardedFacilitator(client, settle,
                new CircuitBreaker(policy.circuitFailureThreshold(), policy.circuitOpenDuration(), config.clock()),
                policy.maxConcurrentCalls(), GuardedFacilitator.DEFAULT_PERMIT_WAIT, policy.retryVerify());
        PaymentVerifier verifier = policy.cacheTtl().isZero() ? guard
                : new VerificationCache(guard, policy.cacheTtl(), policy.cacheMaxEntries(), config.clock());
        FacilitatorStartup startup = null;
        // Checked whenever the facilitator verifies or settles: in hybrid mode (a verifier in process) it still
        // settles, and verifies smart wallets' signatures; a network it lacks would otherwise show only when a paid
        // request's settlement fails.
        boolean used = config.verifier() == null || config.settler() == null
                || config.verifier() instanceof LocalExactEvmPaymentVerifier;
        if (policy.checkSupported() && used) {
            List<PaymentOption> options = new ArrayList<>();
            for (Route r : config.routes().routes()) {
                options.addAll(r.terms().options());
            }
            startup = new FacilitatorStartup(new SupportedCatalog(http, policy.supportedRefresh(), config.clock()),
                    options, publicUrl(settings.baseUrl()).toString(), FacilitatorStartup.DEFAULT_FIRST_RETRY,
                    FacilitatorStartup.DEFAULT_MAX_RETRY).check();
        }
        ProofApiSupport support = proofApi ? new ProofApiSupport(publicUrl(settings.baseUrl()), config.maxHeaderBytes()) : null;
        return new FacilitatorWiring(verifier, guard, support, guard, startup, http);
    }

    /** The URL without user info, query or fragment: what may be logged and shown to clients. */
    static URI publicUrl(URI u) {
        try {
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null);
        } catch (URISyntaxException e) {
            return URI.create(u.getScheme() + "://" + u.getHost());
        }
    }

    @Override
    public void close() {
        if (startup != null) {
            startup.close();
        }
        if (http != null) {
            http.close();
        }
    }
}
