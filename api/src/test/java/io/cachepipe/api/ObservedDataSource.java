package io.cachepipe.api;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The real connection pool, observed: counts the connections the API borrows (one per database
 * load) and can hold one load after its query ran and before it returns, which is between the
 * read-path fill's database read and its Redis write.
 */
final class ObservedDataSource {
    /** A load held after its query: {@link #loaded} opens when it is held, the load goes on after {@link #release}. */
    static final class Hold {
        final CountDownLatch loaded = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        void release() {
            released.countDown();
        }
    }

    private final DataSource real;
    private final AtomicInteger borrowed = new AtomicInteger();
    private final AtomicReference<Hold> nextHold = new AtomicReference<>();

    ObservedDataSource(DataSource real) {
        this.real = real;
    }

    int borrowed() {
        return borrowed.get();
    }

    /** Holds the next load when it has read its rows. */
    Hold holdNextLoad() {
        var hold = new Hold();
        nextHold.set(hold);
        return hold;
    }

    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("getConnection")) {
                        borrowed.incrementAndGet();
                        return observe((Connection) result, nextHold.getAndSet(null));
                    }
                    return result;
                });
    }

    private static Connection observe(Connection connection, Hold hold) {
        if (hold == null) {
            return connection;
        }
        return (Connection) Proxy.newProxyInstance(ObservedDataSource.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        hold.loaded.countDown();
                        if (!hold.released.await(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("a held load was never released");
                        }
                    }
                    return invoke(connection, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
