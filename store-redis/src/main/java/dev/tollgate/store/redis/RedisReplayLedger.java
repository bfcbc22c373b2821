package dev.tollgate.store.redis;

import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.ledger.HeldClaims;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.Hold;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.ledger.StoreClock;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replay ledger in Redis, shared by every instance that uses the same server and key prefix.
 *
 * <ul>
 *   <li>claim: one {@code SET key "c:<token>" NX PXAT until}; Redis expires the key itself, so a lapsed claim is
 *       simply absent and the next {@code SET NX} wins;</li>
 *   <li>settled: a script that sets {@code key} to {@code "s"} whatever it held, so that a settled payment is
 *       remembered even if its claim lapsed meanwhile, until {@code until} or the key's later expiry (a claim taken
 *       again after ours lapsed holds longer than ours, and must not be cut short);</li>
 *   <li>release: a script that deletes the key only while it still holds this instance's claim token, so a
 *       settled key, or a claim someone else took after ours lapsed, is never freed.</li>
 * </ul>
 *
 * <p>A write that cannot be sent or gets no answer, and is right whenever it runs (a release, the undoing of a claim
 * or payment-identifier mark whose answer was lost, each deleting only its own value; a payment identifier's
 * outcome) is tried again in the background every {@value #UNDO_RETRY_MILLIS} ms until it is answered or the value
 * would have lapsed anyway.
 *
 * <p>The same connection keeps x402 v2 payment identifiers ({@link RedisPaymentIdentifierStore}) and the Code
 * intents servers created ({@link RedisCodeIntentStore}).
 *
 * <p>Every command has a timeout. The connection is made in the background and re-made by Lettuce when it
 * drops; while there is none, commands are refused at once rather than queued, so the gate answers 503 quickly
 * instead of holding requests. A connection that stops answering (a PING after a timeout gets no answer either) is
 * replaced, since one whose route was lost would otherwise be kept until the operating system gives it up. The ledger needs Redis 6.2 or later ({@code PXAT}).
 */
public final class RedisReplayLedger implements ReplayLedger {
    public static final String DEFAULT_KEY_PREFIX = "tollgate:";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    static final String SETTLED = "s";
    private static final String CLAIMED_PREFIX = "c:";
    /** Lua: deletes KEYS[1] only while it holds ARGV[1] (a claim's, or a payment identifier's, own value). */
    private static final String DELETE_IF_HOLDS =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
    /**
     * Lua: marks KEYS[1] settled (ARGV[1]) until ARGV[2] (epoch ms), or until its present expiry if that is later. A
     * settlement that comes after its claim lapsed has an {@code until} already past, and a plain {@code SET PXAT}
     * would delete a claim another request took since (Redis drops a key set to expire in the past). Redis's own
     * clock ({@code TIME}) turns the key's time to live into an instant; scripts replicate their effects (6.2).
     */
    private static final String MARK_SETTLED = "local left = redis.call('PTTL', KEYS[1]) "
            + "if left == -1 then redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') return 1 end "
            + "if left > 0 then local t = redis.call('TIME') "
            + "if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + left >= tonumber(ARGV[2]) then "
            + "redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') return 1 end end "
            + "redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2]) return 1";
    static final long UNDO_RETRY_MILLIS = 200;
    /** Writes waiting to be tried again at most; beyond, a value lapses at its expiry, as it always could. */
    private static final int MAX_PENDING_WRITES = 10_000;

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final String keyPrefix;
    private final Duration connectTimeout;
    private final Clock clock;
    private final HeldClaims held = new HeldClaims();
    private final RedisPaymentIdentifierStore identifiers = new RedisPaymentIdentifierStore(this);
    private final RedisCodeIntentStore intents = new RedisCodeIntentStore(this);
    private final Object connecting = new Object();
    private CompletableFuture<StatefulRedisConnection<String, String>> connection;
    private long failedAtNanos;
    private volatile boolean closed;
    private final AtomicInteger pendingWrites = new AtomicInteger();
    private final AtomicBoolean probing = new AtomicBoolean();

    private RedisReplayLedger(RedisURI uri, String keyPrefix, Duration timeout, Duration connectTimeout, Clock clock) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        uri.setTimeout(positive(timeout, "timeout"));
        // Lettuce's own reconnection backs off exponentially to 30 s apart: after an outage of half a minute, every
        // paid request would get 503 for up to another 30 s although Redis answered again. Here the attempts are at
        // most retryDelay() apart, as after a failed first connection.
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ZERO, retryDelay(), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        synchronized (connecting) {
            connect();
        }
    }

    /**
     * A ledger on the Redis server at {@code url} ({@code redis://[:password@]host[:port][/database]} or
     * {@code rediss://}). Returns at once: the connection is made in the background.
     *
     * @param timeout how long one command may take before the ledger reports itself unavailable
     */
    public static RedisReplayLedger create(String url, String keyPrefix, Duration timeout, Duration connectTimeout) {
        return create(url, keyPrefix, timeout, connectTimeout, Clock.systemUTC());
    }

    /** @param clock this instance's clock, compared with Redis's on each connection */
    static RedisReplayLedger create(String url, String keyPrefix, Duration timeout, Duration connectTimeout,
                                    Clock clock) {
        return new RedisReplayLedger(RedisURI.create(url), keyPrefix, timeout, connectTimeout, clock);
    }

    public static RedisReplayLedger create(String url) {
        return create(url, DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
    }

    @Override
    public ClaimResult claim(String key, Instant until) throws LedgerUnavailableException {
        String token = HeldClaims.newToken();
        StatefulRedisConnection<String, String> connection = connection();
        String reply;
        try {
            reply = connection.sync().set(keyPrefix + key, CLAIMED_PREFIX + token, SetArgs.Builder.nx().pxAt(until.toEpochMilli()));
        } catch (RedisException e) {
            // The SET may have been sent, and run: the caller answers 503 and will never release it, so it would
            // keep the proof until it lapses (a day for a proof-API payment), and the payer's retry would be told
            // "already used".
            deleteLaterIfHolds(connection, keyPrefix + key, CLAIMED_PREFIX + token, until);
            throw unavailable("claim", e);
        }
        if (reply == null) {
            return ClaimResult.DUPLICATE;
        }
        held.remember(key, token, until);
        return ClaimResult.CLAIMED;
    }

    /**
     * For a write whose answer did not come (a timeout, or a connection that broke) but that may have run: deletes
     * {@code key} if it then holds {@code value}, this very write's. Queued on the same connection, the deletion runs
     * after the write if that runs at all. Nobody waits for it. If it cannot be sent (the connection is down) or gets
     * no answer, it is tried again until Redis answers it or {@code until}, when the value lapses by itself: else the
     * value would hold a proof (or a payment identifier) nobody will release, and its payer's retry would be refused.
     */
    void deleteLaterIfHolds(StatefulRedisConnection<String, String> connection, String key, String value,
                            Instant until) {
        write(connection, deleteIfHolds(key, value), until.toEpochMilli(), false);
    }

    private static java.util.function.Function<StatefulRedisConnection<String, String>, RedisFuture<?>> deleteIfHolds(
            String key, String value) {
        return c -> c.async().eval(DELETE_IF_HOLDS, ScriptOutputType.INTEGER, new String[] {key}, value);
    }

    /**
     * A write that failed (unsent or unanswered) and is right whenever it runs, such as recording a settled
     * payment-identifier's outcome: sent again every {@value #UNDO_RETRY_MILLIS} ms until Redis answers it, or until
     * {@code until}, after which it would change nothing that matters.
     */
    void writeLater(java.util.function.Function<StatefulRedisConnection<String, String>, RedisFuture<?>> command,
                    Instant until) {
        writeAgainLater(command, until.toEpochMilli(), false);
    }

    /** {@code counted}: this write is counted in {@link #pendingWrites} already. */
    private void write(StatefulRedisConnection<String, String> connection,
                       java.util.function.Function<StatefulRedisConnection<String, String>, RedisFuture<?>> command,
                       long untilMillis, boolean counted) {
        CompletableFuture<?> sent;
        try {
            sent = command.apply(connection).toCompletableFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((answer, failure) -> {
            if (failure == null) {
                if (counted) {
                    pendingWrites.decrementAndGet();
                }
            } else {
                writeAgainLater(command, untilMillis, counted);
            }
        });
    }

    private void writeAgainLater(java.util.function.Function<StatefulRedisConnection<String, String>,
            RedisFuture<?>> command, long untilMillis, boolean counted) {
        boolean pointless = closed || System.currentTimeMillis() >= untilMillis; // it lapses by itself now
        if (counted && pointless) {
            pendingWrites.decrementAndGet();
            return;
        }
        if (!counted && (pointless || pendingWrites.incrementAndGet() > MAX_PENDING_WRITES)) {
            if (!pointless) {
                pendingWrites.decrementAndGet();
            }
            return; // lapses at its expiry, as it always could
        }
        try {
            client.getResources().eventExecutorGroup().schedule(() -> {
                StatefulRedisConnection<String, String> now = connectedNow();
                if (now == null) {
                    writeAgainLater(command, untilMillis, true);
                } else {
                    write(now, command, untilMillis, true);
                }
            }, UNDO_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            pendingWrites.decrementAndGet(); // shutting down: lapses at its expiry
        }
    }

    /** The connection if there is one now, without waiting; starts a new attempt when one is due, as requests do. */
    private StatefulRedisConnection<String, String> connectedNow() {
        synchronized (connecting) {
            if (closed) {
                return null;
            }
            if (connection.isCompletedExceptionally()
                    && System.nanoTime() - failedAtNanos > retryDelay().toNanos()) {
                connect();
            }
            StatefulRedisConnection<String, String> c =
                    connection.isDone() && !connection.isCompletedExceptionally() ? connection.join() : null;
            return c != null && c.isOpen() ? c : null;
        }
    }

    @Override
    public void settled(String key, Instant until) throws LedgerUnavailableException {
        if (held.forgetHeld(key, until) == null) {
            held.forget(key);
        }
        String[] k = {keyPrefix + key};
        String untilMillis = Long.toString(until.toEpochMilli());
        try {
            commands().eval(MARK_SETTLED, ScriptOutputType.INTEGER, k, SETTLED, untilMillis);
        } catch (LedgerUnavailableException | RedisException e) {
            // The claim keeps the proof used until the same instant; but until the mark is written, hold() reports a
            // redemption in progress, and a Code intent presented again is told to retry rather than "already used".
            // Marking a paid key settled is right whenever it runs.
            writeLater(c -> c.async().eval(MARK_SETTLED, ScriptOutputType.INTEGER, k, SETTLED, untilMillis), until);
            throw e instanceof RedisException r ? unavailable("settled", r) : (LedgerUnavailableException) e;
        }
    }

    @Override
    public void release(String key) throws LedgerUnavailableException {
        release(key, held.forgetHeld(key));
    }

    /** Ends exactly the claim made until {@code claimedUntil}: a duplicate release, or a later claim's, frees nothing. */
    @Override
    public void release(String key, Instant claimedUntil) throws LedgerUnavailableException {
        release(key, held.forgetHeld(key, claimedUntil));
    }

    private void release(String key, HeldClaims.Held h) throws LedgerUnavailableException {
        if (h == null) {
            return; // not ours (or already ended): it lapses at its expiry
        }
        // Else the proof, which the payer may present again, would stay refused as "already used" until the claim
        // lapses (a day for a proof-API payment).
        deleteIfHolds("release", keyPrefix + key, CLAIMED_PREFIX + h.token(), h.until());
    }

    /**
     * Deletes {@code key} if it holds {@code value}, a value of this instance's own that lapses at {@code until}; if
     * that cannot be sent or gets no answer, it is sent again until Redis answers or the value lapses, and the caller
     * is told the store is unavailable.
     */
    void deleteIfHolds(String what, String key, String value, Instant until) throws LedgerUnavailableException {
        StatefulRedisConnection<String, String> connection;
        try {
            connection = connection();
        } catch (LedgerUnavailableException e) {
            writeLater(deleteIfHolds(key, value), until);
            throw e;
        }
        try {
            connection.sync().eval(DELETE_IF_HOLDS, ScriptOutputType.INTEGER, new String[] {key}, value);
        } catch (RedisException e) {
            deleteLaterIfHolds(connection, key, value, until);
            throw unavailable(what, e);
        }
    }

    /** One {@code GET}: the value says settled ({@code s}) or claimed ({@code c:<token>}); Redis drops lapsed keys. */
    @Override
    public Hold hold(String key) throws LedgerUnavailableException {
        String value;
        try {
            value = commands().get(keyPrefix + key);
        } catch (RedisException e) {
            throw unavailable("hold", e);
        }
        if (value == null) {
            return Hold.NONE;
        }
        if (SETTLED.equals(value)) {
            return Hold.SETTLED;
        }
        return value.startsWith(CLAIMED_PREFIX) ? Hold.CLAIMED : Hold.UNKNOWN;
    }

    /** Payment identifiers under {@code <keyPrefix>payid:<id>}, on the same connection. */
    @Override
    public PaymentIdentifierStore paymentIdentifiers() {
        return identifiers;
    }

    /** Code intents under {@code <keyPrefix>intent:<id>}, on the same connection. */
    @Override
    public CodeIntentStore codeIntents() {
        return intents;
    }

    /** The prefix in front of every key this ledger writes. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** Claims this instance holds and has not yet settled or released. */
    int heldClaims() {
        return held.size();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (connecting) {
            if (connection != null) {
                connection.thenAccept(StatefulRedisConnection::close);
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS); // given to the client, so not shut down with it
    }

    RedisCommands<String, String> commands() throws LedgerUnavailableException {
        return connection().sync();
    }

    StatefulRedisConnection<String, String> connection() throws LedgerUnavailableException {
        CompletableFuture<StatefulRedisConnection<String, String>> current;
        synchronized (connecting) {
            if (closed) {
                throw new LedgerUnavailableException("Redis ledger is closed", null);
            }
            if (connection.isCompletedExceptionally()
                    && System.nanoTime() - failedAtNanos > retryDelay().toNanos()) {
                connect();
            }
            current = connection;
        }
        try {
            // Everyone waits on the same attempt, each at most the connect timeout: no queue behind a lock.
            return current.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable("connect", e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("connect", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("connect", e);
        }
    }

    /**
     * A command got no answer in time: the connection may be dead without knowing it (its route lost to a NAT or
     * firewall that forgot it, a host gone without a reset). Lettuce would keep it, every command timing out, until
     * the operating system gives up retransmitting, a quarter of an hour on Linux. So it is asked for a PING; if
     * that gets no answer within the timeout either, the connection is replaced by a new one. A Redis that is slow
     * rather than gone costs a reconnection, and was failing every request anyway.
     */
    private void probe() {
        StatefulRedisConnection<String, String> current = connectedNow();
        if (current == null || !probing.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<String> ping;
        try {
            ping = current.async().ping().toCompletableFuture();
        } catch (RuntimeException e) {
            probing.set(false);
            return;
        }
        ping.whenComplete((pong, failure) -> {
            probing.set(false);
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof RedisCommandTimeoutException) {
                replace(current);
            }
        });
    }

    /** Drops {@code dead}, if it is still the connection in use, for a new one (made in the background). */
    private void replace(StatefulRedisConnection<String, String> dead) {
        synchronized (connecting) {
            if (closed || !connection.isDone() || connection.isCompletedExceptionally() || connection.join() != dead) {
                return;
            }
            connect();
        }
        // Its unanswered commands fail now; the deletions among them are tried again on the new connection.
        dead.closeAsync();
    }

    /** Called holding {@code connecting}. */
    private void connect() {
        CompletableFuture<StatefulRedisConnection<String, String>> attempt =
                client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        attempt.whenComplete((c, failure) -> {
            if (failure != null) {
                synchronized (connecting) {
                    failedAtNanos = System.nanoTime();
                }
            } else {
                compareClocks(c);
            }
        });
        connection = attempt;
    }

    /** Reads Redis's clock ({@code TIME}) and warns through {@link StoreClock} if it is far from this instance's. */
    private void compareClocks(StatefulRedisConnection<String, String> c) {
        Instant sentAt = clock.instant();
        c.async().time().thenAccept(time -> {
            Instant answeredAt = clock.instant();
            // TIME answers seconds and the microseconds within them.
            Instant redisNow = Instant.ofEpochSecond(Long.parseLong(time.get(0)), Long.parseLong(time.get(1)) * 1000);
            StoreClock.check("Redis at " + uri.getHost() + ":" + uri.getPort(), redisNow, sentAt, answeredAt);
        });
    }

    /** After a failed connect, callers fail at once for a while instead of each dialling again. */
    private Duration retryDelay() {
        return connectTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? connectTimeout : Duration.ofSeconds(1);
    }

    LedgerUnavailableException unavailable(String what, Throwable cause) {
        if (cause instanceof RedisCommandTimeoutException) {
            probe();
        }
        return new LedgerUnavailableException("Redis ledger at " + uri.getHost() + ":" + uri.getPort()
                + " unavailable (" + what + "): " + cause, cause);
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }
}
