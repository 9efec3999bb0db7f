package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class UrlsTest {
    @Test
    void postgresUrl_keepsParameters_whenPointedAtAnotherDatabase() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://db.internal:6432/app?sslmode=require");

        assertThat(url.host()).isEqualTo("db.internal");
        assertThat(url.port()).isEqualTo(6432);
        assertThat(url.database()).isEqualTo("app");
        assertThat(url.jdbcUrl("t1abc")).isEqualTo("jdbc:postgresql://db.internal:6432/t1abc?sslmode=require");
    }

    @Test
    void postgresUrl_defaultsPort() {
        assertThat(PostgresUrl.parse("jdbc:postgresql://db/app").port()).isEqualTo(5432);
    }

    @Test
    void postgresUrl_withSeveralHosts_isRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> PostgresUrl.parse("jdbc:postgresql://a:5432,b:5432/app"))
                .withMessageContaining("one host");
    }

    @Test
    void redisUrl_readsCredentialsAndDatabase() {
        RedisUrl url = RedisUrl.parse("redis://cache:s3cret@redis.internal:6380/2");

        assertThat(url).isEqualTo(new RedisUrl("redis.internal", 6380, "cache", "s3cret", 2));
    }

    @Test
    void redisUrl_passwordOnly_andDefaults() {
        assertThat(RedisUrl.parse("redis://:pw@cache")).isEqualTo(new RedisUrl("cache", 6379, null, "pw", 0));
        assertThat(RedisUrl.parse("redis://cache/")).isEqualTo(new RedisUrl("cache", 6379, null, null, 0));
    }

    @Test
    void redisUrl_tls_isRejectedWithReason() {
        assertThatIllegalArgumentException().isThrownBy(() -> RedisUrl.parse("rediss://cache:6379"))
                .withMessageContaining("scheme 'rediss' is not supported");
    }
}
