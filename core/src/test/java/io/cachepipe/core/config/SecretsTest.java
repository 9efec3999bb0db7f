package io.cachepipe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** URL passwords never reach a log line: masked, with host and port kept for the operator. */
class SecretsTest {
    private static final String PW = "Redis-pw-that-must-not-leak";

    @Test
    void userAndPassword_keepsTheUser_masksThePassword() {
        assertThat(Secrets.maskUrlPasswords("redis://app:" + PW + "@cache.internal:6380/0"))
                .isEqualTo("redis://app:****@cache.internal:6380/0");
    }

    @Test
    void passwordOnly_withEmptyUser_orWithoutColon_isMasked() {
        assertThat(Secrets.maskUrlPasswords("redis://:" + PW + "@10.0.0.7:6379")).isEqualTo("redis://:****@10.0.0.7:6379");
        // Lettuce reads redis://secret@host as a password, not a user name
        assertThat(Secrets.maskUrlPasswords("rediss://" + PW + "@10.0.0.7:6379")).isEqualTo("rediss://****@10.0.0.7:6379");
    }

    @Test
    void passwordContainingAnAt_isMaskedWhole() {
        assertThat(Secrets.maskUrlPasswords("redis://app:p@ss@host:6379")).isEqualTo("redis://app:****@host:6379");
    }

    @Test
    void jdbcPasswordParameters_areMasked_otherParametersKept() {
        assertThat(Secrets.maskUrlPasswords("jdbc:postgresql://db:5432/shop?user=app&password=" + PW + "&sslmode=require"))
                .isEqualTo("jdbc:postgresql://db:5432/shop?user=app&password=****&sslmode=require");
        assertThat(Secrets.maskUrlPasswords("jdbc:postgresql://db/shop?PASSWORD=" + PW))
                .isEqualTo("jdbc:postgresql://db/shop?PASSWORD=****");
        assertThat(Secrets.maskUrlPasswords("jdbc:postgresql://db/shop?sslmode=verify-full&sslpassword=" + PW))
                .isEqualTo("jdbc:postgresql://db/shop?sslmode=verify-full&sslpassword=****");
    }

    @Test
    void everyUrlOfAList_isMasked() {
        assertThat(Secrets.maskUrlPasswords("redis://:a" + PW + "@n1:7000,redis://u:b" + PW + "@n2:7001"))
                .isEqualTo("redis://:****@n1:7000,redis://u:****@n2:7001");
    }

    @Test
    void textWithoutCredentials_isUnchanged() {
        for (String text : new String[] {"redis://127.0.0.1:6379", "jdbc:postgresql://db:5432/shop?sslmode=require",
                "classpath:catalog-views.yaml", "cp:", "mail me at ops@example.com", "10s"}) {
            assertThat(Secrets.maskUrlPasswords(text)).isEqualTo(text);
        }
    }

    @Test
    void resolvedSettingsLine_andConfigRecords_showHostsButNoPassword() {
        Settings settings = Settings.of(Map.of(
                "postgres.url", "jdbc:postgresql://db.internal:5433/shop?password=" + PW,
                "redis.url", "redis://default:" + PW + "@cache.internal:6380",
                "redis.cluster-nodes", "redis://:" + PW + "@n1:7000,redis://" + PW + "@n2:7001"));
        PostgresConfig postgres = settings.read(PostgresConfig::read);
        RedisConfig redis = settings.read(RedisConfig::read);
        settings.validate();

        assertThat(settings.describeResolved()).doesNotContain(PW)
                .contains("postgres.url=jdbc:postgresql://db.internal:5433/shop?password=****")
                .contains("redis.url=redis://default:****@cache.internal:6380")
                .contains("redis.cluster-nodes=redis://:****@n1:7000,redis://****@n2:7001");
        assertThat(postgres.toString()).doesNotContain(PW).contains("db.internal:5433");
        assertThat(redis.toString()).doesNotContain(PW).contains("cache.internal:6380", "n1:7000", "n2:7001");
        assertThat(redis.address()).doesNotContain(PW).contains("n1:7000");
        // the values themselves are intact: only what is printed is masked
        assertThat(redis.url().toString()).contains(PW);
    }

    @Test
    void problemsNamingABadUrl_doNotEchoItsPassword() {
        Settings settings = Settings.of(Map.of(
                "postgres.url", "postgresql://db/shop?password=" + PW,
                "redis.url", "http://:" + PW + "@cache:6379"));
        settings.read(PostgresConfig::read);
        settings.read(RedisConfig::read);
        assertThatThrownBy(settings::validate)
                .hasMessageContaining("postgres.url = 'postgresql://db/shop?password=****'")
                .hasMessageContaining("redis.url = 'http://:****@cache:6379'")
                .hasMessageNotContaining(PW);
        // The cluster nodes are checked by RedisConfig's constructor, which runs once redis.url is valid.
        Settings cluster = Settings.of(Map.of("redis.cluster-nodes", "http://:" + PW + "@n1:7000"));
        cluster.read(RedisConfig::read);
        assertThatThrownBy(cluster::validate)
                .hasMessageContaining("redis.cluster-nodes: 'http://:****@n1:7000'")
                .hasMessageNotContaining(PW);
    }
}
