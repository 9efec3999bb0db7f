package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EvictionPolicyTest {
    @Test
    void policiesThatMayEvictAFreshTombstone_areRisks_theOthersAreNot() {
        for (String risky : new String[] {"volatile-ttl", "volatile-random", "allkeys-random"}) {
            assertThat(new EvictionPolicy(risky).risk()).as(risky).hasValueSatisfying(risk -> assertThat(risk).contains(risky).contains("Use noeviction"));
        }
        for (String safe : new String[] {"noeviction", "volatile-lru", "volatile-lfu", "allkeys-lru", "allkeys-lfu"}) {
            assertThat(new EvictionPolicy(safe).risk()).as(safe).isEmpty();
        }
    }
}
