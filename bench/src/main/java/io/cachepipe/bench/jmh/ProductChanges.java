package io.cachepipe.bench.jmh;

import io.cachepipe.bench.Zipf;
import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.MalformedChangeException;
import io.cachepipe.core.json.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Change records of the demo catalog's {@code products} table as cdc-capture publishes them: the
 * Debezium 3.6 envelope with schemas off, {@code decimal.handling.mode=string}, both row images
 * ({@code REPLICA IDENTITY FULL}), copied field for field from a record of a bench run. Rows are
 * picked with the readers' Zipf skew (exponent 1.0), and the mix is the bench's writers': about four
 * price or stock updates to one move to another category (which touches two listings and two
 * aggregates). The products are spread over the categories as the seeder spreads them.
 */
final class ProductChanges {
    private static final String[] NAMES = {"Pro Jacket", "Classic Desk", "Compact Lamp", "Eco Kettle", "Smart Chair"};
    private static final long START_LSN = 31_387_248;

    final byte[][] keys;
    final byte[][] values;
    final ChangeEvent[] events;
    final long[] productIds;
    final long[] categoryIds;

    /** {@code count} changes (a power of two, so a benchmark cycles through them with a mask). */
    ProductChanges(int count, int products, int categories, long seed) {
        if (Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("count must be a power of two, was " + count);
        }
        keys = new byte[count][];
        values = new byte[count][];
        events = new ChangeEvent[count];
        productIds = new long[count];
        categoryIds = new long[count];
        var zipf = new Zipf(products, 1.0, seed);
        var random = new SplittableRandom(seed);
        var envelopes = new ChangeEnvelopes(Json.mapper());
        long lsn = START_LSN;
        for (int i = 0; i < count; i++) {
            long id = zipf.next(random) + 1L;
            long category = (id - 1) % categories + 1;
            long movedTo = random.nextDouble() < 0.22 ? random.nextLong(categories) + 1 : category;
            String name = NAMES[(int) (id % NAMES.length)] + " " + id;
            String price = BigDecimal.valueOf(random.nextInt(100, 100_000), 2).toPlainString();
            int stock = random.nextInt(0, 500);
            Instant was = Instant.parse("2026-12-05T10:58:17.503455Z");
            Instant now = was.plusNanos(random.nextLong(1_000_000_000_000L) / 1000 * 1000);
            String before = row(id, name, price, stock, category, was);
            String after = movedTo == category ? row(id, name, BigDecimal.valueOf(random.nextInt(100, 100_000), 2).toPlainString(),
                    random.nextInt(0, 500), category, now) : row(id, name, price, stock, movedTo, now);
            long previousCommit = lsn;
            lsn += 56 + random.nextInt(400);
            keys[i] = ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
            values[i] = envelope(before, after, previousCommit, lsn, now).getBytes(StandardCharsets.UTF_8);
            productIds[i] = id;
            categoryIds[i] = movedTo;
            try {
                events[i] = Objects.requireNonNull(envelopes.parse(keys[i], values[i]));
            } catch (MalformedChangeException e) {
                throw new IllegalStateException("the benchmark's own envelope does not parse: " + e.getMessage(), e);
            }
        }
    }

    private static String row(long id, String name, String price, int stock, long category, Instant updated) {
        return "{\"id\":" + id + ",\"sku\":\"SKU-" + String.format("%08d", id) + "\",\"name\":\"" + name + "\",\"price\":\"" + price
                + "\",\"stock\":" + stock + ",\"category_id\":" + category + ",\"updated_at\":\"" + updated + "\"}";
    }

    private static String envelope(String before, String after, long previousCommit, long lsn, Instant commit) {
        long micros = commit.getEpochSecond() * 1_000_000 + commit.getNano() / 1000;
        long millis = micros / 1000;
        return "{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"version\":\"3.6.3.Final\",\"connector\":\"postgresql\","
                + "\"name\":\"t1z7l1\",\"ts_ms\":" + millis + ",\"snapshot\":\"false\",\"db\":\"t1z7l1\",\"sequence\":\"[\\\"" + previousCommit
                + "\\\",\\\"" + lsn + "\\\"]\",\"ts_us\":" + micros + ",\"ts_ns\":" + micros * 1000 + ",\"schema\":\"public\",\"table\":\"products\","
                + "\"txId\":" + (lsn / 1000) + ",\"lsn\":" + lsn + ",\"xmin\":null,\"origin\":null,\"origin_lsn\":null},\"transaction\":null,"
                + "\"op\":\"u\",\"ts_ms\":" + (millis + 3) + ",\"ts_us\":" + (micros + 3_000) + ",\"ts_ns\":" + (micros + 3_000) * 1000 + "}";
    }
}
