package io.cachepipe.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A data source that counts, independently of what the code under test reports about itself, the
 * statements it executes and the rows it reads. Preparing a statement and describing its columns
 * ({@code getMetaData} on a prepared statement) is neither: PostgreSQL parses, reads no rows.
 */
final class CountingDataSource {
    private final DataSource real;
    private final AtomicLong executions = new AtomicLong();
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong prepared = new AtomicLong();

    CountingDataSource(DataSource real) {
        this.real = real;
    }

    /** Statements executed: {@code execute}, {@code executeQuery}, {@code executeUpdate}, {@code executeBatch}, .... */
    long executions() {
        return executions.get();
    }

    /** Rows read from result sets ({@code next()} answering true). */
    long rowsRead() {
        return rowsRead.get();
    }

    /** Statements prepared (executed or only described). */
    long prepared() {
        return prepared.get();
    }

    DataSource dataSource() {
        return proxy(DataSource.class, real, (method, result) ->
                method.getName().equals("getConnection") ? connection((Connection) result) : result);
    }

    private Connection connection(Connection connection) {
        return proxy(Connection.class, connection, (method, result) -> switch (method.getName()) {
            case "prepareStatement" -> {
                prepared.incrementAndGet();
                yield statement(PreparedStatement.class, (PreparedStatement) result);
            }
            case "prepareCall" -> {
                prepared.incrementAndGet();
                yield statement(CallableStatement.class, (CallableStatement) result);
            }
            case "createStatement" -> statement(Statement.class, (Statement) result);
            default -> result;
        });
    }

    private <S extends Statement> S statement(Class<S> type, S statement) {
        return proxy(type, statement, (method, result) -> {
            if (method.getName().startsWith("execute")) {
                executions.incrementAndGet();
            }
            return result instanceof ResultSet rows ? resultSet(rows) : result;
        }, method -> method.getName().startsWith("execute"));
    }

    private ResultSet resultSet(ResultSet rows) {
        return proxy(ResultSet.class, rows, (method, result) -> {
            if (method.getName().equals("next") && Boolean.TRUE.equals(result)) {
                rowsRead.incrementAndGet();
            }
            return result;
        });
    }

    private interface After {
        Object apply(Method method, Object result) throws Exception;
    }

    private static <T> T proxy(Class<T> type, T target, After after) {
        return proxy(type, target, after, method -> false);
    }

    /** @param countsEvenIfFailing methods whose call is counted by {@code after} even when the target throws */
    private static <T> T proxy(Class<T> type, T target, After after, java.util.function.Predicate<Method> countsEvenIfFailing) {
        return type.cast(Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        if (countsEvenIfFailing.test(method)) {
                            after.apply(method, null);
                        }
                        throw e.getCause();
                    }
                    return after.apply(method, result);
                }));
    }
}
