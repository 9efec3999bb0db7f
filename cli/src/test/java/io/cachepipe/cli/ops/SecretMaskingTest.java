package io.cachepipe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.api.ApiConfig;
import io.cachepipe.cli.CachepipeCommand;
import io.cachepipe.core.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin token and the database password never show: not in --help, not in the resolved-settings log line. */
class SecretMaskingTest {
    private static final String TOKEN = "s3cret-admin-token-that-must-not-leak";
    private static final String PASSWORD = "pg-password-that-must-not-leak";

    @Test
    void helpOfEveryCommand_showsNoSecret_evenWhenTheSecretsAreSet() {
        String previousToken = System.setProperty("cachepipe.api.admin-token", TOKEN);
        String previousPassword = System.setProperty("cachepipe.postgres.password", PASSWORD);
        try {
            for (String command : new String[] {"audit", "replay", "rebuild", "warm", "flush", "stats", "config"}) {
                var out = new StringWriter();
                CachepipeCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(out, true))
                        .execute(command, "--help");
                assertThat(out.toString()).as(command + " --help").isNotEmpty().doesNotContain(TOKEN).doesNotContain(PASSWORD);
            }
            var out = new StringWriter();
            CachepipeCommand.commandLine().setOut(new PrintWriter(out, true)).execute("config");
            assertThat(out.toString()).contains("api.admin-token").doesNotContain(TOKEN);
        } finally {
            restore("cachepipe.api.admin-token", previousToken);
            restore("cachepipe.postgres.password", previousPassword);
        }
    }

    @Test
    void resolvedSettingsLine_andTheConfigRecord_maskTheAdminToken() {
        Settings settings = Settings.of(Map.of("api.admin-token", TOKEN));
        ApiConfig config = settings.read(ApiConfig::read);
        settings.validate();
        assertThat(config.adminToken()).isEqualTo(TOKEN);
        assertThat(settings.describeResolved()).contains("api.admin-token=****").doesNotContain(TOKEN);
        assertThat(config.toString()).contains("adminToken=****").doesNotContain(TOKEN);
    }

    @Test
    void aBadTokenIsReported_withoutEchoingIt() {
        Settings settings = Settings.of(Map.of("api.admin-token", "short", "api.hit-rate-target", "120"));
        settings.read(ApiConfig::read);
        org.assertj.core.api.Assertions.assertThatThrownBy(settings::validate)
                .hasMessageContaining("api.admin-token = '****' (from explicit value): too short")
                .hasMessageContaining("api.hit-rate-target")
                .hasMessageNotContaining("'short'");
    }

    @Test
    void badArguments_exitNonZero_withAMessage() {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = CachepipeCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("replay", "--from", "yesterday", "--set", "kafka.bootstrap=127.0.0.1:1", "--set", "views.file=x.yaml");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--from 'yesterday' is not an ISO-8601 time");
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, previous);
        }
    }
}
