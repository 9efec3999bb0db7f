package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.store.redis.NearCacheMessages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The near cache's coherence rules, driven message by message. */
class NearCacheTest {
    private static final ViewCatalog CATALOG = TestViews.catalog();
    private static final KeySpace KEYS = new KeySpace("t", CATALOG);
    private static final CacheKey PRODUCT_1 = KEYS.key(CATALOG.view("product").orElseThrow(), Map.of("id", 1L));
    private static final CacheKey PAGE_2 = KEYS.key(CATALOG.view("category-products").orElseThrow(),
            Map.of("category_id", 3L, "page", 2));

    private final NearCache near = new NearCache(100, 1_000_000, Duration.ofMinutes(1), Runnable::run);
    private long sequence;

    @BeforeEach
    void subscribe() {
        near.subscriptionActive();
    }

    @Test
    void servesWhatWasInserted_untilAMessageNamesTheKey() {
        near.put(PRODUCT_1, entry("v1"), near.beforeRead());
        assertThat(body(near.get(PRODUCT_1))).isEqualTo("v1");

        message(List.of(PRODUCT_1.redisKey()), List.of(), false);

        assertThat(near.get(PRODUCT_1)).isNull();
    }

    @Test
    void refusesAValueReadBeforeAnInvalidationThatLandedDuringTheRead() {
        NearCache.Ticket ticket = near.beforeRead();
        message(List.of(PRODUCT_1.redisKey()), List.of(), false);

        near.put(PRODUCT_1, entry("old"), ticket);

        assertThat(near.get(PRODUCT_1)).isNull();
        near.put(PRODUCT_1, entry("new"), near.beforeRead());
        assertThat(body(near.get(PRODUCT_1))).isEqualTo("new");
    }

    @Test
    void groupMessage_dropsItsMembers_andRefusesAMemberReadBeforeIt() {
        near.put(PAGE_2, entry("page 2"), near.beforeRead());
        message(List.of(), List.of(PAGE_2.group().indexKey()), false);
        assertThat(near.get(PAGE_2)).isNull();

        NearCache.Ticket ticket = near.beforeRead();
        message(List.of(), List.of(PAGE_2.group().indexKey()), false);
        near.put(PAGE_2, entry("old page 2"), ticket);

        assertThat(near.get(PAGE_2)).isNull();
    }

    @Test
    void aMemberInsertedTwice_staysInItsGroup() {
        near.put(PAGE_2, entry("page 2 by one reader"), near.beforeRead());
        near.put(PAGE_2, entry("page 2 by another"), near.beforeRead());

        message(List.of(), List.of(PAGE_2.group().indexKey()), false);

        assertThat(near.get(PAGE_2)).isNull();
    }

    @Test
    void aMemberDroppedByAKeyMessage_andReadAgain_staysInItsGroup() {
        near.put(PAGE_2, entry("v1"), near.beforeRead());
        message(List.of(PAGE_2.redisKey()), List.of(), false);
        near.put(PAGE_2, entry("v2"), near.beforeRead());

        message(List.of(), List.of(PAGE_2.group().indexKey()), false);

        assertThat(near.get(PAGE_2)).isNull();
    }

    @Test
    void aGroupMessage_forgetsItsMembersGroupRecords_andAMemberPutAgainIsStillReachedByTheNext() {
        near.put(PAGE_2, entry("v1"), near.beforeRead());
        assertThat(near.groupRecords()).isEqualTo(1);

        message(List.of(), List.of(PAGE_2.group().indexKey()), false);
        assertThat(near.groupRecords()).as("nothing kept for a key the message dropped").isZero();

        near.put(PAGE_2, entry("v2"), near.beforeRead());
        message(List.of(), List.of(PAGE_2.group().indexKey()), false);
        assertThat(near.get(PAGE_2)).isNull();
    }

    @Test
    void aSequenceGap_dropsEverything() {
        near.put(PRODUCT_1, entry("v1"), near.beforeRead());
        near.put(PAGE_2, entry("page 2"), near.beforeRead());
        message(List.of("t:other"), List.of(), false);
        assertThat(near.size()).isEqualTo(2);

        sequence++; // one message lost
        message(List.of("t:other"), List.of(), false);

        assertThat(near.size()).isZero();
        assertThat(near.drops()).isEqualTo(2); // the subscription's start, then the gap
    }

    @Test
    void aWholeViewMessage_dropsEverything() {
        near.put(PRODUCT_1, entry("v1"), near.beforeRead());

        message(List.of(), List.of(), true);

        assertThat(near.get(PRODUCT_1)).isNull();
    }

    @Test
    void whileTheSubscriptionIsLost_nothingIsServedOrInserted_andItComesBackEmpty() {
        near.put(PRODUCT_1, entry("v1"), near.beforeRead());
        NearCache.Ticket beforeLoss = near.beforeRead();

        near.subscriptionLost();
        near.put(PRODUCT_1, entry("v1"), near.beforeRead());
        assertThat(near.get(PRODUCT_1)).isNull();

        near.subscriptionActive();
        near.put(PRODUCT_1, entry("read before the loss"), beforeLoss);
        assertThat(near.get(PRODUCT_1)).isNull();
        assertThat(near.size()).isZero();
    }

    private void message(List<String> keys, List<String> groups, boolean everything) {
        sequence++;
        String text = sequence + "\n" + NearCacheMessages.payload(keys, groups, everything);
        near.apply(NearCacheMessages.parse(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void holdsAtMostItsBytes_ofLargeValues_andAtMostItsEntries_ofSmallOnes() {
        var product = CATALOG.view("product").orElseThrow();
        for (long id = 1; id <= 50; id++) {
            near.put(KEYS.key(product, Map.of("id", id)), entry("x".repeat(100_000)), near.beforeRead());
        }
        assertThat(near.size()).as("fifty values of 100 kB in a near cache of 1 MB").isLessThanOrEqualTo(10);
        for (long id = 100; id < 400; id++) {
            near.put(KEYS.key(product, Map.of("id", id)), entry("small"), near.beforeRead());
        }
        assertThat(near.size()).as("three hundred small values in a near cache of 100 entries").isEqualTo(100);
    }

    private static NearCache.Entry entry(String body) {
        return new NearCache.Entry(body.getBytes(StandardCharsets.UTF_8), new Version(42));
    }

    private static String body(NearCache.Entry entry) {
        return entry == null ? null : new String(entry.body(), StandardCharsets.UTF_8);
    }
}
