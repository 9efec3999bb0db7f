package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RedisFailuresTest {
    @Test
    void aScriptError_orAWrongType_isRefusedOutright() {
        assertThat(RedisFailures.refusedOutright(new CompletionException(new RedisCommandExecutionException(
                "ERR user_script:12: attempt to compare nil with number")))).isTrue();
        assertThat(RedisFailures.refusedOutright(new RedisCommandExecutionException(
                "WRONGTYPE Operation against a key holding the wrong kind of value"))).isTrue();
    }

    @Test
    void aKeyMovedAwayMidMigration_aSlotBeingRehashed_orNoReplicaAcknowledging_isWorthRetrying() {
        for (RedisException error : new RedisException[] {
            new RedisCommandExecutionException("ERR Script attempted to access a non local key in a cluster node script: 3bc466d5"),
            new RedisCommandExecutionException("TRYAGAIN Multiple keys request during rehashing of slot"),
            new RedisCommandExecutionException("CLUSTERDOWN The cluster is down"),
            new RedisException("no replica of the Redis Cluster master 127.0.0.1:7000 acknowledged the writes within 250 ms")}) {
            assertThat(RedisFailures.refusedOutright(new CompletionException(error))).as(error.getMessage()).isFalse();
            assertThat(RedisFailures.fromRedis(error)).as(error.getMessage()).isTrue();
        }
    }

    @Test
    void aRedisAtItsMaxmemory_isOutOfMemory_notRefusedOutright() {
        var full = new CompletionException(new RedisCommandExecutionException(
                "OOM command not allowed when used memory > 'maxmemory'. script: 45fc89cc, on @user_script:115."));
        assertThat(RedisFailures.outOfMemory(full)).isTrue();
        assertThat(RedisFailures.refusedOutright(full)).isFalse();
        assertThat(RedisFailures.outOfMemory(new RedisCommandExecutionException("WRONGTYPE Operation against a key"))).isFalse();
    }
}
