package io.cachepipe.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A PostgreSQL of one test's own, beside the dev stack, for server settings the shared server must not
 * have: {@code ssl=on} with certificates the test generated, for instance. It is the dev stack's
 * embedded PostgreSQL (the same binaries, the same {@code wal_level=logical} and other settings) with
 * {@code serverConfig} added, whatever provider the stack itself uses. Its cluster lives under
 * {@code <dataDir>/<name>}, created fresh on every start and deleted on {@link #close()}; the binaries
 * are shared with the stack's embedded PostgreSQL under {@code <dataDir>/postgres/bin}.
 *
 * <pre>{@code
 * try (StandalonePostgres tls = StandalonePostgres.start(stack.options().dataDir(), "postgres-tls",
 *         Map.of("ssl", "on", "ssl_cert_file", cert.toString(), "ssl_key_file", key.toString()))) {
 *     String url = tls.server().jdbcUrl() + "?sslmode=verify-full&sslrootcert=" + ca;
 * }
 * }</pre>
 */
public final class StandalonePostgres implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,40}");

    private final EmbeddedPostgresServer server;
    private final Path root;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ShutdownHook shutdownHook;

    private StandalonePostgres(EmbeddedPostgresServer server, Path root) {
        this.server = server;
        this.root = root;
        this.shutdownHook = ShutdownHook.register("cachepipe-" + root.getFileName(), server::close);
    }

    /**
     * Starts the server on a free loopback port and waits until it answers.
     *
     * @param name         its directory under {@code dataDir}, such as {@code postgres-tls}; not one the stack uses
     * @param serverConfig PostgreSQL settings ({@code postgresql.conf} names) beside the stack's; one of the same name wins
     * @throws DevStackException if it does not start, with the tail of its log (a refused {@code ssl_key_file}, say)
     */
    public static StandalonePostgres start(Path dataDir, String name, Map<String, String> serverConfig) {
        if (!NAME.matcher(name).matches() || name.equals("postgres") || name.equals("kafka") || name.equals("redis")) {
            throw new IllegalArgumentException("name '" + name + "' must be lowercase letters, digits and '-', and not a"
                    + " directory of the dev stack's own servers (postgres, kafka, redis)");
        }
        Path base = dataDir.toAbsolutePath();
        Path root = base.resolve(name);
        StaleProcess.stopIfRunning(root.resolve("data").resolve("postmaster.pid"), "postgres");
        deleteRecursively(root.resolve("data"));
        var server = new EmbeddedPostgresServer(root, base.resolve("postgres").resolve("bin"), 0, false, serverConfig);
        var standalone = new StandalonePostgres(server, root);
        try {
            server.boot();
        } catch (RuntimeException e) {
            standalone.close();
            throw e;
        }
        return standalone;
    }

    /** The server: host, port, user, a JDBC URL per database, and {@link PostgresServer#createDatabase}. */
    public PostgresServer server() {
        return server;
    }

    /** Stops the server and deletes its cluster; safe to call more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutdownHook.cancel();
            server.close();
            deleteRecursively(root.resolve("data"));
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory + " (a PostgreSQL still running there?)", e);
        }
    }

    @Override
    public String toString() {
        return "StandalonePostgres[" + server.host() + ":" + server.port() + ", " + root + "]";
    }
}
