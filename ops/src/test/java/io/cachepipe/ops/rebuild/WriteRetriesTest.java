package io.cachepipe.ops.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteRetriesTest {
    private final WriteRetries retries = new WriteRetries();

    @Test
    void writesThatTimedOut_areSentAgain_untilRedisAnswers() {
        var sent = new AtomicInteger();
        CompletableFuture<String> first = CompletableFuture.failedFuture(new RedisCommandTimeoutException("EVALSHA timed out"));

        String result = retries.await(first, () -> sent.incrementAndGet() < 2
                ? CompletableFuture.failedFuture(new RedisCommandTimeoutException("again"))
                : CompletableFuture.completedFuture("written"));

        assertThat(result).isEqualTo("written");
        assertThat(retries.count()).isEqualTo(2);
    }

    @Test
    void writesRedisRefusedOutright_areNotSentAgain() {
        var sent = new AtomicInteger();
        CompletableFuture<String> first = CompletableFuture.failedFuture(new RedisCommandExecutionException("ERR user_script:1: bad"));

        assertThatThrownBy(() -> retries.await(first, () -> {
            sent.incrementAndGet();
            return CompletableFuture.completedFuture("never");
        })).isInstanceOf(CompletionException.class);
        assertThat(sent).hasValue(0);
    }
}
