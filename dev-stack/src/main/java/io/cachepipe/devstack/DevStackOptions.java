package io.cachepipe.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where the dev stack's servers come from and where they keep their files. Validated once, here:
 * every problem is reported in one {@link IllegalArgumentException} that names the option, the
 * environment variable that sets it, and the bad value.
 *
 * @param dataDir binaries, data and logs of the embedded servers (and nothing in {@code /tmp})
 * @param provider where the servers come from; {@link Provider#AUTO} decides at start
 * @param postgresPort fixed port, or 0 for a free loopback port
 * @param kafkaPort fixed port, or 0 for a free loopback port
 * @param redisPort fixed port, or 0 for a free loopback port
 * @param externalPostgresUrl {@code jdbc:postgresql://host[:port]/database} of a server someone else runs
 * @param externalPostgresUser defaults to {@value #DEFAULT_EXTERNAL_POSTGRES_USER}
 * @param externalPostgresPassword defaults to {@value #DEFAULT_EXTERNAL_POSTGRES_PASSWORD}; masked in {@link #toString()}
 * @param externalKafkaBootstrap {@code host:port[,host:port...]}
 * @param externalRedisUrl {@code redis://[[user]:password@]host[:port][/database]}
 * @param postgresFsync whether the embedded (or container) PostgreSQL flushes its WAL to disk on commit, as
 *                      every production server does. Off by default: tests commit thousands of times and
 *                      need no durability; a benchmark that compares with PostgreSQL's commit rate turns it on,
 *                      since without it the server commits several times faster than any real one
 */
public record DevStackOptions(
        Path dataDir,
        Provider provider,
        int postgresPort,
        int kafkaPort,
        int redisPort,
        @Nullable String externalPostgresUrl,
        @Nullable String externalPostgresUser,
        @Nullable String externalPostgresPassword,
        @Nullable String externalKafkaBootstrap,
        @Nullable String externalRedisUrl,
        boolean postgresFsync) {

    public enum Provider {
        /** External if all three external URLs are set, else Testcontainers if Docker answers, else embedded. */
        AUTO,
        /** PostgreSQL, Kafka and Redis from Maven artifacts, in and beside this JVM. No Docker needed. */
        EMBEDDED,
        /** Docker containers: postgres:17, apache/kafka, redis:7. */
        TESTCONTAINERS,
        /** Servers someone else runs, at the configured URLs. */
        EXTERNAL
    }

    /** A system property and the environment variable behind each option; the property wins. */
    public enum Key {
        DIR("cachepipe.devstack.dir", "CACHEPIPE_DEVSTACK_DIR"),
        PROVIDER("cachepipe.devstack.provider", "CACHEPIPE_DEVSTACK_PROVIDER"),
        POSTGRES_PORT("cachepipe.devstack.postgres.port", "CACHEPIPE_DEVSTACK_POSTGRES_PORT"),
        KAFKA_PORT("cachepipe.devstack.kafka.port", "CACHEPIPE_DEVSTACK_KAFKA_PORT"),
        REDIS_PORT("cachepipe.devstack.redis.port", "CACHEPIPE_DEVSTACK_REDIS_PORT"),
        POSTGRES_URL("cachepipe.devstack.postgres.url", "CACHEPIPE_DEVSTACK_POSTGRES_URL"),
        POSTGRES_USER("cachepipe.devstack.postgres.user", "CACHEPIPE_DEVSTACK_POSTGRES_USER"),
        POSTGRES_PASSWORD("cachepipe.devstack.postgres.password", "CACHEPIPE_DEVSTACK_POSTGRES_PASSWORD"),
        KAFKA_BOOTSTRAP("cachepipe.devstack.kafka.bootstrap", "CACHEPIPE_DEVSTACK_KAFKA_BOOTSTRAP"),
        REDIS_URL("cachepipe.devstack.redis.url", "CACHEPIPE_DEVSTACK_REDIS_URL"),
        POSTGRES_FSYNC("cachepipe.devstack.postgres.fsync", "CACHEPIPE_DEVSTACK_POSTGRES_FSYNC");

        private final String systemProperty;
        private final String environmentVariable;

        Key(String systemProperty, String environmentVariable) {
            this.systemProperty = systemProperty;
            this.environmentVariable = environmentVariable;
        }

        public String systemProperty() {
            return systemProperty;
        }

        public String environmentVariable() {
            return environmentVariable;
        }
    }

    public static final String DEFAULT_EXTERNAL_POSTGRES_USER = "postgres";
    public static final String DEFAULT_EXTERNAL_POSTGRES_PASSWORD = "postgres";
    private static final Pattern BOOTSTRAP = Pattern.compile("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*");

    public DevStackOptions {
        List<String> problems = problems(dataDir, provider, postgresPort, kafkaPort, redisPort,
                externalPostgresUrl, externalKafkaBootstrap, externalRedisUrl);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(describeProblems(problems));
        }
    }

    /** Without fsync, as tests run. */
    public DevStackOptions(Path dataDir, Provider provider, int postgresPort, int kafkaPort, int redisPort,
                           @Nullable String externalPostgresUrl, @Nullable String externalPostgresUser,
                           @Nullable String externalPostgresPassword, @Nullable String externalKafkaBootstrap,
                           @Nullable String externalRedisUrl) {
        this(dataDir, provider, postgresPort, kafkaPort, redisPort, externalPostgresUrl, externalPostgresUser, externalPostgresPassword,
                externalKafkaBootstrap, externalRedisUrl, false);
    }

    /** AUTO provider, free ports, no external servers. */
    public static DevStackOptions defaults(Path dataDir) {
        return new DevStackOptions(dataDir, Provider.AUTO, 0, 0, 0, null, null, null, null, null);
    }

    /** The same, with PostgreSQL's fsync on or off. */
    public DevStackOptions withPostgresFsync(boolean fsync) {
        return new DevStackOptions(dataDir, provider, postgresPort, kafkaPort, redisPort, externalPostgresUrl,
                externalPostgresUser, externalPostgresPassword, externalKafkaBootstrap, externalRedisUrl, fsync);
    }

    /**
     * Reads every {@link Key} from system properties, then environment variables. Problems with
     * the values read are reported all at once, each naming where the bad value came from.
     *
     * @param defaultDataDir used when neither {@code cachepipe.devstack.dir} nor {@code CACHEPIPE_DEVSTACK_DIR} is set
     */
    public static DevStackOptions fromEnvironment(Path defaultDataDir) {
        return new EnvironmentOptions(System::getProperty, System::getenv).read(defaultDataDir);
    }

    public DevStackOptions withProvider(Provider newProvider) {
        return new DevStackOptions(dataDir, newProvider, postgresPort, kafkaPort, redisPort, externalPostgresUrl,
                externalPostgresUser, externalPostgresPassword, externalKafkaBootstrap, externalRedisUrl, postgresFsync);
    }

    public DevStackOptions withPorts(int newPostgresPort, int newKafkaPort, int newRedisPort) {
        return new DevStackOptions(dataDir, provider, newPostgresPort, newKafkaPort, newRedisPort, externalPostgresUrl,
                externalPostgresUser, externalPostgresPassword, externalKafkaBootstrap, externalRedisUrl, postgresFsync);
    }

    /** True when all three external servers are configured, which is what makes AUTO pick them. */
    public boolean externalServersConfigured() {
        return externalPostgresUrl != null && externalKafkaBootstrap != null && externalRedisUrl != null;
    }

    public String postgresUser() {
        return externalPostgresUser != null ? externalPostgresUser : DEFAULT_EXTERNAL_POSTGRES_USER;
    }

    public String postgresPassword() {
        return externalPostgresPassword != null ? externalPostgresPassword : DEFAULT_EXTERNAL_POSTGRES_PASSWORD;
    }

    @Override
    public String toString() {
        return "DevStackOptions[dataDir=" + dataDir + ", provider=" + provider
                + ", postgresPort=" + postgresPort + ", kafkaPort=" + kafkaPort + ", redisPort=" + redisPort
                + ", externalPostgresUrl=" + externalPostgresUrl + ", externalPostgresUser=" + externalPostgresUser
                + ", externalPostgresPassword=" + (externalPostgresPassword == null ? null : "****")
                + ", externalKafkaBootstrap=" + externalKafkaBootstrap
                + ", externalRedisUrl=" + (externalRedisUrl == null ? null : maskRedisPassword(externalRedisUrl))
                + ", postgresFsync=" + postgresFsync + "]";
    }

    static String describeProblems(List<String> problems) {
        return "Invalid dev stack options (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n  - "
                + String.join("\n  - ", problems);
    }

    /** Package-private so {@link EnvironmentOptions} can report these together with its parse errors. */
    static List<String> problems(@Nullable Path dataDir, @Nullable Provider provider, int postgresPort, int kafkaPort,
            int redisPort, @Nullable String postgresUrl, @Nullable String kafkaBootstrap, @Nullable String redisUrl) {
        List<String> problems = new ArrayList<>();
        if (dataDir == null) {
            problems.add(name("dataDir", Key.DIR) + " must be set");
        }
        if (provider == null) {
            problems.add(name("provider", Key.PROVIDER) + " must be set to one of " + Arrays.toString(Provider.values()));
        }
        checkPort(problems, "postgresPort", Key.POSTGRES_PORT, postgresPort);
        checkPort(problems, "kafkaPort", Key.KAFKA_PORT, kafkaPort);
        checkPort(problems, "redisPort", Key.REDIS_PORT, redisPort);
        checkDistinct(problems, "postgresPort", postgresPort, "kafkaPort", kafkaPort);
        checkDistinct(problems, "postgresPort", postgresPort, "redisPort", redisPort);
        checkDistinct(problems, "kafkaPort", kafkaPort, "redisPort", redisPort);
        checkUrl(problems, "externalPostgresUrl", Key.POSTGRES_URL, postgresUrl, PostgresUrl::parse);
        checkUrl(problems, "externalKafkaBootstrap", Key.KAFKA_BOOTSTRAP, kafkaBootstrap, DevStackOptions::parseBootstrap);
        checkUrl(problems, "externalRedisUrl", Key.REDIS_URL, redisUrl, RedisUrl::parse);
        checkExternals(problems, provider, postgresPort, kafkaPort, redisPort, postgresUrl, kafkaBootstrap, redisUrl);
        return problems;
    }

    private static void checkPort(List<String> problems, String option, Key key, int port) {
        if (port < 0 || port > 65_535) {
            problems.add(name(option, key) + " was " + port + "; use 0 for a free loopback port, or 1-65535");
        }
    }

    private static void checkDistinct(List<String> problems, String option, int port, String otherOption, int otherPort) {
        if (port != 0 && port == otherPort) {
            problems.add(option + " and " + otherOption + " were both " + port + "; each server needs its own port");
        }
    }

    private static void checkUrl(List<String> problems, String option, Key key, @Nullable String value,
            java.util.function.Consumer<String> parser) {
        if (value == null) {
            return;
        }
        if (value.isBlank()) {
            problems.add(name(option, key) + " was blank; leave it unset or give a value");
            return;
        }
        try {
            parser.accept(value);
        } catch (IllegalArgumentException e) {
            String shown = option.equals("externalRedisUrl") ? maskRedisPassword(value) : value;
            problems.add(name(option, key) + " was '" + shown + "': " + e.getMessage());
        }
    }

    private static void parseBootstrap(String bootstrap) {
        if (!BOOTSTRAP.matcher(bootstrap).matches()) {
            throw new IllegalArgumentException("expected host:port[,host:port...]");
        }
    }

    private static void checkExternals(List<String> problems, @Nullable Provider provider, int postgresPort,
            int kafkaPort, int redisPort, @Nullable String postgresUrl, @Nullable String kafkaBootstrap,
            @Nullable String redisUrl) {
        List<String> set = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        (postgresUrl != null ? set : missing).add(name("externalPostgresUrl", Key.POSTGRES_URL));
        (kafkaBootstrap != null ? set : missing).add(name("externalKafkaBootstrap", Key.KAFKA_BOOTSTRAP));
        (redisUrl != null ? set : missing).add(name("externalRedisUrl", Key.REDIS_URL));
        if (provider == Provider.EXTERNAL && !missing.isEmpty()) {
            problems.add("provider EXTERNAL needs all three servers; missing " + String.join(", ", missing));
        }
        if (provider == Provider.AUTO && !set.isEmpty() && !missing.isEmpty()) {
            problems.add("provider AUTO uses external servers only when all three are set; " + String.join(", ", set)
                    + " set but " + String.join(", ", missing)
                    + " missing: set the missing ones, or unset the others to use local servers");
        }
        boolean external = provider == Provider.EXTERNAL || (provider == Provider.AUTO && missing.isEmpty());
        if (external && (postgresPort != 0 || kafkaPort != 0 || redisPort != 0)) {
            problems.add("fixed ports (postgresPort=" + postgresPort + ", kafkaPort=" + kafkaPort + ", redisPort=" + redisPort
                    + ") have no effect on external servers; leave them 0 or choose provider EMBEDDED or TESTCONTAINERS");
        }
    }

    private static String name(String option, Key key) {
        return option + " (" + key.environmentVariable() + ")";
    }

    static String maskRedisPassword(String url) {
        return url.replaceFirst("//([^@/]*:)?[^@/]+@", "//$1****@");
    }
}
