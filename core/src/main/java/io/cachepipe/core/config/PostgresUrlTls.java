package io.cachepipe.core.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the TLS parameters of {@code postgres.url} before anything connects. The PostgreSQL driver
 * reads them for every pool, and cdc-capture hands them to Debezium as {@code database.sslmode},
 * {@code database.sslrootcert}, ... for its own connections, the replication connection included. A
 * value the driver refuses would otherwise surface as a pool's stack trace in one process and as
 * Debezium's endless restarts in another; and the driver reads {@code ssl} as a boolean, so
 * {@code ssl=on} or {@code ssl=1} means "no", and the connection is encrypted only if the server
 * happens to offer it ({@code sslmode=prefer}), with no certificate checked.
 */
final class PostgresUrlTls {
    /** The values both pgjdbc and Debezium accept for {@code sslmode}, each ignoring case. */
    static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private PostgresUrlTls() {
    }

    /** Every problem with the URL's {@code ssl} and {@code sslmode} parameters, each naming postgres.url. */
    static List<String> problems(String jdbcUrl) {
        Map<String, String> parameters = parameters(jdbcUrl);
        List<String> problems = new ArrayList<>();
        String mode = parameters.get("sslmode");
        if (mode != null && SSL_MODES.stream().noneMatch(mode::equalsIgnoreCase)) {
            problems.add("postgres.url has sslmode=" + mode + ", which the PostgreSQL driver does not know: use one of "
                    + String.join(", ", SSL_MODES) + " (verify-full checks the server's certificate against sslrootcert"
                    + " and its host name)");
        }
        String ssl = parameters.get("ssl");
        if (ssl != null && !ssl.isEmpty() && !ssl.equalsIgnoreCase("true") && !ssl.equalsIgnoreCase("false")) {
            problems.add("postgres.url has ssl=" + ssl + ", which the PostgreSQL driver reads as false (it takes true or"
                    + " false): the connection would be encrypted only if the server offered it, and no certificate checked."
                    + " Write sslmode=verify-full (or ssl=true, the same)");
        }
        return problems;
    }

    /** The query parameters, decoded as the driver decodes them: names as written (the driver's are case-sensitive), the last of a repeated name winning. */
    private static Map<String, String> parameters(String jdbcUrl) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return parameters;
        }
        for (String pair : jdbcUrl.substring(query + 1).split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                parameters.put(name, URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException badEscape) {
                parameters.put(name, value);
            }
        }
        return parameters;
    }
}
