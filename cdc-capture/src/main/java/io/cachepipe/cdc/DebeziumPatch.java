package io.cachepipe.cdc;

import io.debezium.connector.base.ChangeEventQueue;
import java.net.URL;
import java.security.CodeSource;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The one Debezium class cachepipe carries a changed copy of: {@link ChangeEventQueue}, whose
 * {@code poll()} spins through the last millisecond of every poll interval instead of waiting (0.15
 * of a core at {@code cdc.poll-interval} 5 ms, idle or not; see the copy's header). Debezium's
 * own class is on the classpath as well, so the copy takes effect only where cdc-capture's jar comes
 * first: ./cachepipe, bin/bench and the image's entrypoint put it first, Maven puts a module's own
 * classes and direct dependencies before Debezium's. Anywhere else it may not, and cdc-capture then
 * says so once at its start and runs on with Debezium's class.
 */
final class DebeziumPatch {
    private DebeziumPatch() {
    }

    /** True if the queue class Debezium's connector uses is cachepipe's copy. */
    static boolean queueInEffect() {
        return Objects.equals(location(ChangeEventQueue.class), location(DebeziumPatch.class));
    }

    /** Warns when Debezium's own queue class was loaded in place of cachepipe's copy. */
    static void warnIfShadowed(Logger log) {
        if (!queueInEffect()) {
            log.warn("Debezium's own ChangeEventQueue was loaded from {}, ahead of cachepipe's copy in {}: cdc-capture will "
                    + "spin up to a millisecond per poll (0.15 of a core at cdc.poll-interval = 5 ms). Put the "
                    + "cachepipe-cdc-capture jar ahead of Debezium's jars on the classpath", location(ChangeEventQueue.class),
                    location(DebeziumPatch.class));
        }
    }

    private static @Nullable URL location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation();
    }
}
