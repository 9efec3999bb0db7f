package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class EntryLifetimesTest {
    private static final ViewDefinition VIEW = ViewsFile.parse("lifetimes.yaml", """
            views:
              product:
                key: product:{id}
                params: {id: long}
                sql: SELECT id FROM products WHERE id = :id
                result: row
                ttl: 1h
                ttl-jitter: 10%
                negative-ttl: 1m
                sources: [{table: products, bind: {id: id}}]
            """).view("product").orElseThrow();
    private static final byte[] VALUE = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_FOUND = new byte[0];
    private static final long NOW = 1_800_000_000_000L;
    private static final Duration TOMBSTONE = Duration.ofSeconds(60);

    private final CacheConfig config = new CacheConfig(true, "unused", Duration.ofSeconds(2), TOMBSTONE);

    @Test
    void theRegistryScoreOutlivesEveryJitteredValueAndItsTombstone_andTheEarliestExpiryPrecedesEveryOne() {
        for (byte[] value : new byte[][] {VALUE, NOT_FOUND}) {
            for (double draw : new double[] {0.0, 0.37, 0.999_999}) {
                EntryLifetimes lifetimes = lifetimes(NOW, new Fixed(draw));
                long expires = NOW + lifetimes.ttl(VIEW, value).toMillis();
                double score = lifetimes.registryExpiry(VIEW, value);
                assertThat(score).as("draw %s", draw).isGreaterThanOrEqualTo(expires + TOMBSTONE.toMillis());
                assertThat(lifetimes.earliestValueExpiry(VIEW, score)).as("draw %s", draw).isLessThanOrEqualTo(expires);
            }
        }
    }

    @Test
    void aValuesEarliestExpiryIsItsUnjitteredTtl_soAKeyLostBeforeThenIsCaught() {
        EntryLifetimes lifetimes = lifetimes(NOW, new SplittableRandom(7));
        double score = lifetimes.registryExpiry(VIEW, VALUE);
        assertThat(lifetimes.earliestValueExpiry(VIEW, score)).isEqualTo(NOW + Duration.ofHours(1).toMillis());
    }

    @Test
    void laterWritesScoreHigher_whateverTheJitterDraws() {
        var random = new SplittableRandom(42);
        double previous = Double.NEGATIVE_INFINITY;
        for (long at = NOW; at < NOW + 100; at++) {
            EntryLifetimes lifetimes = lifetimes(at, random);
            lifetimes.ttl(VIEW, VALUE); // the value's own TTL still draws its jitter
            double score = lifetimes.registryExpiry(VIEW, VALUE);
            assertThat(score).isGreaterThan(previous);
            previous = score;
        }
    }

    private EntryLifetimes lifetimes(long nowMillis, RandomGenerator random) {
        return new EntryLifetimes(config, Clock.fixed(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC), random);
    }

    /** Always draws the same double. */
    private record Fixed(double draw) implements RandomGenerator {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public double nextDouble() {
            return draw;
        }
    }
}
