package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random requests at every route of a real ApiServer on the demo catalog: ids, pages and
 * parameters made of {@code : * { } ? [ ]}, newlines and numbers at the edges, random bodies,
 * headers and methods (see {@link FuzzRequests}). Whatever arrives: never a 5xx, every error is
 * application/problem+json, the heap stays bounded, and no key outside the API's namespace, nor
 * any key of it that is not a view's, is written or deleted.
 *
 * <p>Bounded for {@code ./mvnw verify}: {@value #DEFAULT_RUNS} requests, seed {@value #DEFAULT_SEED}.
 * A longer run (docs/security.md):
 * {@code ./mvnw -B verify -pl api -am -Dit.test=ApiFuzzIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dcachepipe.fuzz.runs=100000 -Dcachepipe.fuzz.seed=$RANDOM}
 */
@WithDevStack
class ApiFuzzIT {
    static final int DEFAULT_RUNS = 2000;
    static final long DEFAULT_SEED = 20261122L;
    private static final long HEAP_GROWTH_LIMIT = 96L * 1024 * 1024;

    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.MINUTES)
    void randomRequestsAtEveryRoute_neverA5xx_alwaysProblemJson_boundedHeap_noKeyOutsideItsView(DevStack stack,
                                                                                            TestNamespace namespace) throws Exception {
        int runs = Integer.getInteger("cachepipe.fuzz.runs", DEFAULT_RUNS);
        long seed = Long.getLong("cachepipe.fuzz.seed", DEFAULT_SEED);
        try (DemoApi api = new DemoApi(stack, namespace, Map.of("api.write-token", DemoApi.WRITE_TOKEN), Map.of())) {
            var redis = api.redis.commands();
            String ns = namespace.keyPrefix();
            Map<String, String> sentinels = Map.of("sentinel:" + ns, "outside", ns + "#sentinel", "reserved",
                    ns + "product:not-a-number", "not a view's key");
            sentinels.forEach((key, value) -> join(redis.set(bytes(key), bytes(value))));
            Set<String> othersBefore = keysNotIn(api, ns);
            long heapBefore = heapAfterGc();

            var requests = new FuzzRequests(new Random(seed), api.catalog);
            List<String> failures = new ArrayList<>();
            int errors = 0;
            long started = System.nanoTime();
            for (int i = 0; i < runs && failures.size() < 20; i++) {
                FuzzRequests.Request request = requests.next();
                RawHttp.Response answer = api.http.exchange(request.bytes(), request.abort());
                if (request.abort()) {
                    continue;
                }
                String problem = judge(answer);
                if (problem != null) {
                    failures.add("#" + i + " " + request.describe() + " -> " + problem);
                }
                errors += answer.status() >= 400 ? 1 : 0;
            }
            long heapAfter = heapAfterGc();
            System.out.printf("fuzz: seed %d, %d requests in %.1f s, %d answered 4xx, heap %d -> %d MiB, /metrics %d bytes, "
                            + "%d failures%n", seed, runs, (System.nanoTime() - started) / 1e9, errors, heapBefore >> 20,
                    heapAfter >> 20, api.metrics.scrape().length(), failures.size());

            assertThat(failures).as("answers that broke a rule (seed %d)", seed).isEmpty();
            assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(HEAP_GROWTH_LIMIT);
            assertThat(api.metrics.scrape().length()).as("size of /metrics").isLessThan(2_000_000);
            sentinels.forEach((key, value) -> assertThat(text(join(redis.get(bytes(key))))).as(key).isEqualTo(value));
            assertThat(keysNotIn(api, ns)).as("keys outside the namespace").isSubsetOf(othersBefore);
            for (String key : keysIn(api, ns)) {
                assertThat(belongsToAView(api, ns, key) || sentinels.containsKey(key)).as("key %s belongs to a view", key).isTrue();
            }
        }
    }

    /** Null when the answer keeps the rules, else what is wrong with it. */
    private static String judge(RawHttp.Response answer) {
        if (answer.status() == 0) {
            return "no answer: " + answer.body();
        }
        if (answer.status() >= 500 && answer.status() != 501) {
            return answer.status() + " " + answer.body();
        }
        if (answer.status() >= 400 && !answer.isProblem()) {
            return answer.status() + " as " + answer.contentType() + ": " + answer.body().substring(0, Math.min(200, answer.body().length()));
        }
        return null;
    }

    /** A view's key, a group index or version of a pattern view, or a reserved bookkeeping key (#registry, #hot, #applied). */
    private static boolean belongsToAView(DemoApi api, String ns, String key) {
        var keys = api.store.keySpace();
        if (keys.parse(key).isPresent()) {
            return true;
        }
        String rest = key.substring(ns.length());
        if (rest.startsWith("#")) {
            return true;
        }
        String group = key.endsWith(":#version") ? key.substring(0, key.length() - ":#version".length()) : key;
        return group.endsWith(":*") && keys.parse(group.substring(0, group.length() - 1) + "1").isPresent();
    }

    private static Set<String> keysIn(DemoApi api, String ns) {
        Set<String> out = new HashSet<>();
        scan(api, ns + "*", out);
        return out;
    }

    private static Set<String> keysNotIn(DemoApi api, String ns) {
        Set<String> all = new HashSet<>();
        scan(api, "*", all);
        all.removeIf(key -> key.startsWith(ns));
        return all;
    }

    private static void scan(DemoApi api, String match, Set<String> out) {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<byte[]> page = join(api.redis.commands().scan(cursor, ScanArgs.Builder.matches(match).limit(1000)));
            page.getKeys().forEach(key -> out.add(text(key)));
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
