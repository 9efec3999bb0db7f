package io.cachepipe.core.planted;

import io.lettuce.core.RedisClient;

/** Planted for {@code RulesBiteTest}: core speaking to Redis itself. */
public final class CoreWithAClient {
    RedisClient client() {
        return RedisClient.create();
    }
}
