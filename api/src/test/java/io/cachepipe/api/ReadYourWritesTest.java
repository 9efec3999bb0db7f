package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.change.Version;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ReadYourWritesTest {

    @Test
    void aTokenFromTheFuture_isA400_beforeAnyWatermarkIsWritten() {
        var connections = new AtomicInteger();
        DataSource database = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    connections.incrementAndGet();
                    throw new UnsupportedOperationException("no watermark may be written");
                });
        var wal = new WalPosition(() -> Version.ofPgLsn("0/5000000"), System::nanoTime, nanos -> { });
        // The store is never reached: the token is judged first.
        var readYourWrites = new ReadYourWrites(null, database, Duration.ofMillis(250), wal);

        assertThatThrownBy(() -> readYourWrites.caughtUpTo(Version.ofPgLsn("7FFFFFFF/FFFFFFFF")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("past the database's current WAL position");
        assertThat(connections).hasValue(0);
    }
}
