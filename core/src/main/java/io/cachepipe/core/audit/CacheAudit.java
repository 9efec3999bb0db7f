package io.cachepipe.core.audit;

import io.cachepipe.core.audit.AuditReport.Finding;
import io.cachepipe.core.audit.AuditReport.Kind;
import io.cachepipe.core.audit.AuditReport.ViewFindings;
import io.cachepipe.core.cache.CacheStore;
import io.cachepipe.core.cache.ReadResult;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.change.Watermarks;
import io.cachepipe.core.db.ViewLoader;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
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
 *   <li>List each view's cached keys through its registry; keep each with the sample rate.</li>
 *   <li>Peek at each key (no lease); a key without a current value has nothing to be wrong about.</li>
 *   <li>Load the same key from PostgreSQL and compare bytes: the cache stores exactly what the
 *       loader renders, so any difference is a disagreement.</li>
 *   <li>Confirm disagreements: write a watermark into the WAL and wait (up to {@code settle}) until
 *       the pipeline has applied every change before it, then peek and load again. An entry that
 *       still disagrees, at the same cached version, was not merely behind: it is incoherent. If the
 *       pipeline does not catch up in time the audit cannot tell, and says so (unconfirmed).</li>
 * </ol>
 */
public final class CacheAudit {
    private final CacheStore store;
    private final ViewLoader loader;
    private final DataSource dataSource;
    private final Clock clock;
    private final RandomGenerator random;

    /** What to audit: views (all when empty), the share of keys to check, how long to wait for the pipeline. */
    public record Options(Collection<String> views, double sampleRate, Duration settle, int examplesPerView) {
        public Options {
            if (!(sampleRate > 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException("sample rate must be in (0, 1], not " + sampleRate);
            }
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
        List<ViewDefinition> views = store.keySpace().catalog().views().stream()
                .filter(view -> options.views().isEmpty() || options.views().contains(view.name()))
                .toList();
        List<Mismatch> mismatches = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        for (ViewDefinition view : views) {
            List<CacheKey> keys = join(store.cachedKeys(view));
            long checked = 0;
            for (CacheKey key : keys) {
                if (options.sampleRate() < 1 && random.nextDouble() >= options.sampleRate()) {
                    continue;
                }
                Optional<ReadResult.Hit> cached = join(store.peek(key));
                if (cached.isEmpty()) {
                    continue;
                }
                checked++;
                Mismatch mismatch = compare(key, cached.get());
                if (mismatch != null) {
                    mismatches.add(mismatch);
                }
            }
            counts.add(new long[] {keys.size(), checked});
        }
        boolean caughtUp = mismatches.isEmpty() || awaitPipeline(options.settle());
        List<Mismatch> remaining = mismatches.stream().map(this::recheck).filter(m -> m != null).toList();
        List<Mismatch> confirmed = caughtUp ? remaining : List.of();
        List<ViewFindings> findings = new ArrayList<>();
        for (int i = 0; i < views.size(); i++) {
            String name = views.get(i).name();
            List<Mismatch> mine = confirmed.stream().filter(m -> m.key().view().name().equals(name)).toList();
            long unconfirmed = caughtUp ? 0 : remaining.stream().filter(m -> m.key().view().name().equals(name)).count();
            findings.add(new ViewFindings(name, counts.get(i)[0], counts.get(i)[1], count(mine, Kind.STALE),
                    count(mine, Kind.MISSING), count(mine, Kind.EXTRA), unconfirmed,
                    mine.stream().limit(options.examplesPerView())
                            .map(m -> new Finding(m.kind(), m.key().redisKey(), m.cached().version())).toList()));
        }
        return new AuditReport(findings, Duration.ofMillis(clock.millis() - started), caughtUp);
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
