package io.cachepipe.devstack;

import java.util.List;

/**
 * One provider's three servers, typed for users and as lifecycles for {@link DevStack}.
 *
 * @param lifecycles the same three in the order {@link DevStack} stops them
 */
record Servers(PostgresServer postgres, KafkaServer kafka, RedisServer redis, List<ServerLifecycle> lifecycles) {
    static <P extends ServerLifecycle & PostgresServer, K extends ServerLifecycle & KafkaServer,
            R extends ServerLifecycle & RedisServer> Servers of(P postgres, K kafka, R redis) {
        return new Servers(postgres, kafka, redis, List.of(redis, postgres, kafka));
    }
}
