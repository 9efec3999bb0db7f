package io.cachepipe.ops.audit;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.ops.audit.AuditReport.Finding;
import io.cachepipe.ops.audit.AuditReport.Kind;
import io.cachepipe.ops.audit.AuditReport.ViewFindings;
import io.cachepipe.store.kafka.Watermarks;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheLoss;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.CacheStore.Registration;
import io.cachepipe.store.redis.Inspection;
import io.cachepipe.store.redis.ReadResult;
import io.cachepipe.store.redis.RedisFailures;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Compares cached values with the database, view by view.
 *
 * <ol>
 *   <li>List each view's registry entries; keep each with the sample rate.</li>
 *   <li>Inspect each key (no lease). A key with a current value is compared; one holding only a
 *       tombstone or a superseded value is pending; one Redis holds nothing under is expired if its
 *       value's TTL ran out, and gone if not (Redis lost or evicted it, or a flush or an invalidation
 *       without re-warm dropped it longer than the tombstone TTL ago).</li>
 *   <li>Load each compared key from PostgreSQL and compare bytes: the cache stores exactly what the
 *       loader renders, so any difference is a disagreement.</li>
 *   <li>Confirm disagreements: write a watermark into the WAL and wait (up to {@code settle}) until
 *       the pipeline has applied every change before it, then peek and load again. An entry that
 *       still disagrees, at the same cached version, was not merely behind: it is incoherent. If the
 *       pipeline does not catch up in time the audit cannot tell, and says so (unconfirmed).</li>
 *   <li>With {@code prune}, drop the registry entries of keys still gone on a second look.</li>
 * </ol>
 *
 * The report also carries a loss of the namespace on record ({@link CacheLoss}), so that an empty
 * cache that lost its entries is not mistaken for one that never held any.
 */
public final class CacheAudit {
    /** A key gone this little after its value's expiry counts as expired: clocks of writers and Redis differ a little. */
    private static final long EXPIRY_SLACK_MS = 1_000;

    private final CacheStore store;
    private final ViewLoader loader;
    private final DataSource dataSource;
    private final Clock clock;
    private final RandomGenerator random;

    /**
     * What to audit: views (all when empty), the share of entries to check, how long to wait for the
     * pipeline, how many examples to list, and whether to prune registry entries of gone keys.
     */
    public record Options(Collection<String> views, double sampleRate, Duration settle, int examplesPerView, boolean prune) {
        public Options {
            if (!(sampleRate > 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException("sample rate must be in (0, 1], not " + sampleRate);
            }
        }

        public Options(Collection<String> views, double sampleRate, Duration settle, int examplesPerView) {
            this(views, sampleRate, settle, examplesPerView, false);
        }

        public static Options everything() {
            return new Options(List.of(), 1.0, Duration.ofSeconds(10), 5);
        }
    }

    public CacheAudit(CacheStore store, ViewLoader loader, DataSource dataSource, Clock clock, RandomGenerator random) {
        this.store = store;
        this.loader = loader;
        this.dataSource = dataSource;
        this.clock = clock;
        this.random = random;
    }

    public AuditReport run(Options options) {
        long started = clock.millis();
        CacheLoss.Loss loss = join(new CacheLoss(store).recorded()).orElse(null);
        List<ViewDefinition> views = store.keySpace().catalog().views().stream()
                .filter(view -> options.views().isEmpty() || options.views().contains(view.name()))
                .toList();
        List<Mismatch> mismatches = new ArrayList<>();
        List<Tally> tallies = new ArrayList<>();
        for (ViewDefinition view : views) {
            Tally tally = new Tally(view.name());
            for (Registration entry : join(store.registrations(view))) {
                tally.registered++;
                if (options.sampleRate() < 1 && random.nextDouble() >= options.sampleRate()) {
                    continue;
                }
                Inspection inspection = inspect(entry.key());
                if (inspection == null) {
                    tally.unread(entry, options.examplesPerView());
                    continue;
                }
                switch (inspection) {
                    case Inspection.Current current -> {
                        tally.checked++;
                        Mismatch mismatch = compare(entry.key(), current.hit());
                        if (mismatch != null) {
                            mismatches.add(mismatch);
                        }
                    }
                    case Inspection.Superseded pending -> tally.pending++;
                    case Inspection.Absent gone -> tally.gone(entry, clock.millis() + EXPIRY_SLACK_MS >= entry.valueExpiresAt(),
                            options.examplesPerView());
                }
            }
            tallies.add(tally);
        }
        boolean caughtUp = mismatches.isEmpty() || awaitPipeline(options.settle());
        List<Mismatch> remaining = mismatches.stream().map(this::recheck).filter(m -> m != null).toList();
        List<Mismatch> confirmed = caughtUp ? remaining : List.of();
        if (options.prune()) {
            tallies.forEach(this::prune);
        }
        List<ViewFindings> findings = new ArrayList<>();
        for (Tally tally : tallies) {
            List<Mismatch> mine = confirmed.stream().filter(m -> m.key().view().name().equals(tally.view)).toList();
            long unconfirmed = caughtUp ? 0 : remaining.stream().filter(m -> m.key().view().name().equals(tally.view)).count();
            findings.add(new ViewFindings(tally.view, tally.registered, tally.checked, count(mine, Kind.STALE),
                    count(mine, Kind.MISSING), count(mine, Kind.EXTRA), unconfirmed, tally.pending, tally.expired, tally.gone,
                    tally.pruned, mine.stream().limit(options.examplesPerView())
                            .map(m -> new Finding(m.kind(), m.key().redisKey(), m.cached().version())).toList(),
                    tally.goneKeys, tally.unread, tally.unreadKeys));
        }
        return new AuditReport(findings, Duration.ofMillis(clock.millis() - started), caughtUp, loss);
    }

    /** One view's counts while the audit runs. */
    private static final class Tally {
        final String view;
        long registered;
        long checked;
        long pending;
        long expired;
        long gone;
        long pruned;
        final List<String> goneKeys = new ArrayList<>();
        long unread;
        final List<String> unreadKeys = new ArrayList<>();
        final List<Registration> goneEntries = new ArrayList<>();

        Tally(String view) {
            this.view = view;
        }

        void gone(Registration entry, boolean expiredByTtl, int examples) {
            goneEntries.add(entry);
            if (expiredByTtl) {
                expired++;
                return;
            }
            gone++;
            if (goneKeys.size() < examples) {
                goneKeys.add(entry.key().redisKey());
            }
        }

        void unread(Registration entry, int examples) {
            unread++;
            if (unreadKeys.size() < examples) {
                unreadKeys.add(entry.key().redisKey());
            }
        }
    }

    /**
     * The key as Redis holds it, or null when Redis did not answer within its timeout: a value of many
     * megabytes passes through a script for longer than a reader's budget. One such key is counted
     * unread; it does not end the audit of every other key.
     */
    private @Nullable Inspection inspect(CacheKey key) {
        try {
            return join(store.inspect(key));
        } catch (java.util.concurrent.CompletionException e) {
            if (RedisFailures.timedOut(e)) {
                return null;
            }
            throw e;
        }
    }

    /** Drops the registry entries of keys still gone on a second look, unless registered again meanwhile. */
    private void prune(Tally tally) {
        for (Registration entry : tally.goneEntries) {
            if (join(store.inspect(entry.key())) instanceof Inspection.Absent && join(store.forget(entry))) {
                tally.pruned++;
            }
        }
    }

    private record Mismatch(CacheKey key, ReadResult.Hit cached, Kind kind) {
    }

    private @Nullable Mismatch compare(CacheKey key, ReadResult.Hit cached) {
        byte[] actual = load(key);
        if (Arrays.equals(cached.value(), actual)) {
            return null;
        }
        Kind kind = cached.value().length == 0 ? Kind.MISSING : actual.length == 0 ? Kind.EXTRA : Kind.STALE;
        return new Mismatch(key, cached, kind);
    }

    /** Still disagreeing after the pipeline caught up, with the same cached version: confirmed. */
    private @Nullable Mismatch recheck(Mismatch first) {
        Optional<ReadResult.Hit> now = join(store.peek(first.key()));
        if (now.isEmpty()) {
            return null;
        }
        Mismatch again = compare(first.key(), now.get());
        return again != null && again.cached().version().equals(first.cached().version()) ? again : null;
    }

    private boolean awaitPipeline(Duration settle) {
        Version watermark;
        try (Connection connection = dataSource.getConnection()) {
            watermark = Watermarks.emit(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the audit's watermark: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Version> applied = join(store.appliedPosition());
            if (applied.isPresent() && applied.get().compareTo(watermark) >= 0) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private byte[] load(CacheKey key) {
        try {
            return loader.load(key.view(), key.params());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load " + key.redisKey() + " to audit it: " + e.getMessage(), e);
        }
    }

    private static long count(List<Mismatch> mismatches, Kind kind) {
        return mismatches.stream().filter(m -> m.kind() == kind).count();
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
