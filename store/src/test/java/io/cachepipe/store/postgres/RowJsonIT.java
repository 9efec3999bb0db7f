package io.cachepipe.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.PostgresServer;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every awkward but legal PostgreSQL value renders as on the database path (fill, warm, rebuild
 * load): exactly the forms docs/api.md ("Values") promises, never an exception. Each value is read
 * through {@link ViewLoader} several times on one pooled connection, so both the driver's text results
 * (first execution) and its binary ones (a server-prepared statement, as the API's pool runs them) are
 * seen, and through {@link BatchLoader}, the warmer's and the rebuild's loader.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowJsonIT {
    /** One awkward value: the column type it is stored in, the SQL literal, and its JSON. */
    record Value(String name, String type, String literal, String json) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Value> values() {
        return List.of(
                new Value("float8 negative zero", "float8", "'-0'", "-0.0"),
                new Value("float8 NaN", "float8", "'NaN'", "\"NaN\""),
                new Value("float8 Infinity", "float8", "'Infinity'", "\"Infinity\""),
                new Value("float8 -Infinity", "float8", "'-Infinity'", "\"-Infinity\""),
                new Value("float8 largest", "float8", "'1.7976931348623157e308'", "1.7976931348623157E308"),
                new Value("float8 smallest subnormal", "float8", "'5e-324'", "4.9E-324"),
                new Value("real NaN", "real", "'NaN'", "\"NaN\""),
                new Value("real 1.1", "real", "'1.1'", "1.1"),
                new Value("numeric NaN", "numeric", "'NaN'", "\"NaN\""),
                new Value("numeric Infinity", "numeric", "'Infinity'", "\"Infinity\""),
                new Value("numeric -Infinity", "numeric", "'-Infinity'", "\"-Infinity\""),
                new Value("numeric trailing zeros", "numeric", "'1.50'", "1.50"),
                new Value("numeric tiny", "numeric", "'0.000000000000000000000000000001'", "1E-30"),
                new Value("numeric large scale", "numeric",
                        "'123456789012345678901234567890.123456789012345678901234567890'",
                        "123456789012345678901234567890.123456789012345678901234567890"),
                new Value("numeric(6,3)", "numeric(6,3)", "'-0.5'", "-0.500"),
                new Value("timestamptz infinity", "timestamptz", "'infinity'", "\"infinity\""),
                new Value("timestamptz -infinity", "timestamptz", "'-infinity'", "\"-infinity\""),
                new Value("timestamptz BC", "timestamptz", "'0044-03-15 12:00:00+00 BC'", "\"-0043-03-15T12:00:00Z\""),
                new Value("timestamptz microseconds", "timestamptz", "'2024-02-29 13:14:15.123456+02'", "\"2024-02-29T11:14:15.123456Z\""),
                new Value("timestamptz far future", "timestamptz", "'294276-12-31 23:59:59+00'", "\"+294276-12-31T23:59:59Z\""),
                new Value("timestamp infinity", "timestamp", "'infinity'", "\"infinity\""),
                new Value("timestamp -infinity", "timestamp", "'-infinity'", "\"-infinity\""),
                new Value("timestamp BC", "timestamp", "'0044-03-15 12:00:00 BC'", "\"-0043-03-15T12:00\""),
                new Value("date infinity", "date", "'infinity'", "\"infinity\""),
                new Value("date -infinity", "date", "'-infinity'", "\"-infinity\""),
                new Value("date BC", "date", "'0044-03-15 BC'", "\"0044-03-15 BC\""),
                new Value("time 24:00", "time", "'24:00'", "\"24:00:00\""),
                new Value("jsonb", "jsonb", "'{\"b\": null, \"a\": [1, 2.50, \"x\"], \"é\": 1e3}'",
                        "{\"a\": [1, 2.50, \"x\"], \"b\": null, \"é\": 1000}"),
                new Value("json as written", "json", "'{\"b\":1,  \"b\":2}'", "{\"b\":1,  \"b\":2}"),
                new Value("int[] with null", "int[]", "'{1,NULL,3}'", "[1,null,3]"),
                new Value("int[][]", "int[]", "'{{1,2},{3,4}}'", "[[1,2],[3,4]]"),
                new Value("empty int[]", "int[]", "'{}'", "[]"),
                new Value("text[] with quotes", "text[]", "'{\"a b\",\"c,d\",NULL,\"NULL\"}'", "[\"a b\",\"c,d\",null,\"NULL\"]"),
                new Value("float8[] with specials", "float8[]", "'{-0,NaN,-Infinity,1.5}'", "[-0.0,\"NaN\",\"-Infinity\",1.5]"),
                new Value("numeric[] with NaN", "numeric[]", "'{1.50,NaN}'", "[1.50,\"NaN\"]"),
                new Value("timestamptz[] with infinity", "timestamptz[]", "'{infinity,\"2024-01-01 00:00:00+01\"}'",
                        "[\"infinity\",\"2023-12-31T23:00:00Z\"]"),
                new Value("jsonb[]", "jsonb[]", "ARRAY['{\"a\": 1}'::jsonb, 'null'::jsonb]", "[{\"a\": 1},null]"),
                new Value("enum[]", "mood[]", "'{sad,happy}'", "[\"sad\",\"happy\"]"),
                new Value("bytea[]", "bytea[]", "ARRAY['\\x00ff10'::bytea]", "[\"AP8Q\"]"),
                new Value("bytea", "bytea", "'\\x00ff10'", "\"AP8Q\""),
                new Value("interval mixed signs", "interval", "'1 year 2 mons -3 days 04:05:06.789'",
                        "\"1 year 2 mons -3 days +04:05:06.789\""),
                new Value("enum", "mood", "'happy'", "\"happy\""),
                new Value("bit(4)", "bit(4)", "B'0101'", "\"0101\""),
                new Value("bool", "bool", "true", "true"),
                new Value("text with controls and astral", "text", "E'a\\nb\\u0001 é 😀'", "\"a\\nb\\u0001 é \\uD83D\\uDE00\""));
    }

    private ConnectionPool pool;
    private ViewCatalog catalog;
    private final Map<String, Long> ids = new LinkedHashMap<>();

    @BeforeAll
    void schema(PostgresServer postgres, TestNamespace namespace) {
        var jdbc = namespace.jdbc();
        jdbc.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
        List<Value> values = values();
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            columns.add("c" + i + " " + values.get(i).type());
        }
        jdbc.execute("CREATE TABLE awkward (id bigint PRIMARY KEY, " + String.join(", ", columns) + ")");
        var views = new StringBuilder("views:\n");
        for (int i = 0; i < values.size(); i++) {
            long id = i + 1;
            ids.put(values.get(i).name(), id);
            jdbc.execute("INSERT INTO awkward (id, c" + i + ") VALUES (" + id + ", " + values.get(i).literal() + "::" + values.get(i).type() + ")");
            views.append("""
                      c%d:
                        key: c%d:{id}
                        params: {id: long}
                        sql: SELECT c%d AS v FROM awkward WHERE id = :id
                        result: row
                        sources: [{table: awkward, bind: {id: id}}]
                    """.formatted(i, i, i));
        }
        catalog = ViewsFile.parse("awkward.yaml", views.toString());
        pool = DataSources.pool(new PostgresConfig(namespace.jdbcUrl(), postgres.user(), postgres.password(), 1), "row-json-it");
    }

    @AfterAll
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void rendersAsDocumented_inTextAndBinaryResults_andInBatches(Value value) throws Exception {
        int index = values().indexOf(value);
        ViewDefinition view = catalog.view("c" + index).orElseThrow();
        Map<String, Object> key = Map.of("id", ids.get(value.name()));
        String expected = "{\"v\":" + value.json() + "}";

        var loader = new ViewLoader(pool);
        List<String> loads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            loads.add(new String(loader.load(view, key), StandardCharsets.UTF_8));
        }
        assertThat(loads).as("text results first, then binary ones of the server-prepared statement").containsOnly(expected);

        List<byte[]> batch = new BatchLoader(pool).load(view, List.of(key, Map.of("id", 10_000L), key));
        assertThat(batch.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).collect(Collectors.toList()))
                .containsExactly(expected, "", expected);
    }
}
