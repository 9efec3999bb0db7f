package io.cachepipe.api;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The findings of trying the API as an attacker would, each replayed against a real ApiServer on the
 * demo catalog: every answer is a 4xx application/problem+json with a reason, nothing is written
 * that should not be, and nothing grows without bound.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
    private DemoApi api;
    private TestNamespace namespace;

    @BeforeAll
    void start(DevStack stack, TestNamespace namespace) throws Exception {
        this.namespace = namespace;
        api = new DemoApi(stack, namespace, Map.of("api.write-token", DemoApi.WRITE_TOKEN, "api.max-body-bytes", "65536",
                "api.max-string-length", "200", "postgres.statement-timeout", "1s"), Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void getOrHeadWithAMethodOverrideToDelete_answersTheGet_andDeletesNothing() {
        for (String method : new String[] {"GET", "HEAD"}) {
            for (String header : new String[] {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"}) {
                RawHttp.Response answer = api.http.send(method, "/products/5", Map.of(header, "DELETE",
                        "Authorization", "Bearer " + DemoApi.WRITE_TOKEN), new byte[0]);
                assertThat(answer.status()).as("%s with %s", method, header).isEqualTo(200);
                if (method.equals("GET")) {
                    assertThat(answer.body()).startsWith("{\"id\":5,");
                }
            }
        }
        assertThat(namespace.jdbc().queryValue(Long.class, "SELECT count(*) FROM products WHERE id = 5")).isEqualTo(1L);
    }

    @Test
    void decimalsWithHugeExponents_areA400_withoutExpandingThem_evenThreeAtOnce() {
        Object before = price(6);
        List<CompletableFuture<RawHttp.Response>> answers = List.of("-1e999999999", "1e999999999", "1e-999999999").stream()
                .map(price -> CompletableFuture.supplyAsync(() -> write("PATCH", "/products/6", "{\"price\": " + price + "}")))
                .toList();
        for (CompletableFuture<RawHttp.Response> answer : answers) {
            assertProblem(answer.join(), 400, "at most 1000");
            assertThat(answer.join().body()).hasSizeLessThan(1000);
        }
        assertThat(price(6)).isEqualTo(before);
    }

    @Test
    void aLongBeyondItsRange_trailingGarbage_duplicateKeys_wrongTypes_longStrings_areEachA400() {
        assertProblem(write("PATCH", "/products/7", "{\"category_id\": 18446744073709551617}"), 400, "outside the long range");
        assertProblem(write("PATCH", "/products/7", "{\"stock\": 1} trailing"), 400, "not valid JSON");
        assertProblem(write("PATCH", "/products/7", "{\"stock\": 1, \"stock\": 2}"), 400, "Duplicate field 'stock'");
        assertProblem(write("PATCH", "/products/7", "{\"name\": 42}"), 400, "expected a string, found number");
        assertProblem(write("PATCH", "/products/7", "{\"name\": true}"), 400, "expected a string, found boolean");
        assertProblem(write("PATCH", "/products/7", "{\"name\": \"" + "x".repeat(201) + "\"}"), 400, "longer than 200 characters");
        assertThat(namespace.jdbc().queryValue(Boolean.class, "SELECT category_id = 1 OR name LIKE 'xxx%' FROM products WHERE id = 7"))
                .isEqualTo(false);
    }

    @Test
    void halfACharacterOrANulInAString_isA400_andTheRowKeepsItsName() {
        String before = namespace.jdbc().queryValue(String.class, "SELECT name FROM products WHERE id = 8");
        // The JDBC driver sent a lone surrogate as '?': the row was renamed to "?" and the answer was 200.
        assertProblem(write("PATCH", "/products/8", "{\"name\": \"\\ud800\"}"), 400, "unpaired surrogate");
        assertProblem(write("PATCH", "/products/8", "{\"name\": \"a\\u0000b\"}"), 400, "U+0000");
        assertThat(namespace.jdbc().queryValue(String.class, "SELECT name FROM products WHERE id = 8")).isEqualTo(before);
    }

    @Test
    void aQueryParameterTwice_orRepeatingThePath_isA400_andAMethodARouteDoesNotTake_isA405WithAllow() {
        assertProblem(api.http.send("GET", "/categories/3/products?page=1&page=2", Map.of(), new byte[0]), 400,
                "parameter 'page' given 2 times");
        assertProblem(api.http.send("GET", "/products/5?id=6", Map.of(), new byte[0]), 400, "part of the path");
        for (String method : new String[] {"PUT", "OPTIONS"}) {
            RawHttp.Response answer = api.http.send(method, "/categories/3", Map.of(), new byte[0]);
            assertProblem(answer, 405, method + " is not allowed on '/categories/3'");
            assertThat(answer.headers().get("allow")).as(method).contains("GET").doesNotContain("PUT");
        }
        assertProblem(api.http.send("GET", "/no/such/route", Map.of(), new byte[0]), 404, "no route GET '/no/such/route'");
    }

    @Test
    void aWriteThatIsNotJson_is415_andABodyPastTheLimitIs413() {
        RawHttp.Response plain = api.http.send("POST", "/products", Map.of("Content-Type", "text/plain",
                "Authorization", "Bearer " + DemoApi.WRITE_TOKEN), "{\"sku\":\"CSRF\",\"name\":\"x\",\"price\":1}".getBytes(StandardCharsets.UTF_8));
        assertProblem(plain, 415, "application/json");
        assertProblem(write("PATCH", "/products/7", "{\"name\": \"" + "x".repeat(70_000) + "\"}"), 413, "api.max-body-bytes");
        assertThat(namespace.jdbc().queryValue(Long.class, "SELECT count(*) FROM products WHERE sku = 'CSRF'")).isEqualTo(0L);
    }

    @Test
    void twoThousandMadeUpMethods_are501_andAddOneMetricSeries() {
        int before = api.metrics.scrape().length();
        IntStream.range(0, 2000).parallel().forEach(i -> assertProblem(api.http.send("M" + i, "/products/1", Map.of(), new byte[0]),
                501, "not one this API implements"));
        List<String> methods = api.metrics.find("http.server.requests").timers().stream().map(timer -> timer.getId().getTag("method"))
                .distinct().toList();
        assertThat(methods).contains(HttpMethods.OTHER).allMatch(method -> HttpMethods.KNOWN.contains(method) || method.equals("OTHER"));
        assertThat(api.metrics.scrape().length() - before).as("growth of /metrics").isLessThan(50_000);
    }

    @Test
    void aCommitLsnFromTheFuture_isA400_andAPastOneIsServed() {
        assertProblem(api.http.send("GET", "/products/8", Map.of("X-Commit-LSN", "7FFFFFFF/FFFFFFFF"), new byte[0]), 400,
                "past the database's current WAL position");
        assertThat(api.http.send("GET", "/products/8", Map.of("X-Commit-LSN", "0/1"), new byte[0]).status()).isEqualTo(200);
        // Two positions, as a client that made two writes sends them: the header twice (RawHttp writes the value's line
        // break as is), or one field joined by a comma. Every position counts; the first alone did.
        assertProblem(api.http.send("GET", "/products/8", Map.of("X-Commit-LSN", "0/1\r\nX-Commit-LSN: 7FFFFFFF/FFFFFFFF"), new byte[0]),
                400, "past the database's current WAL position");
        assertProblem(api.http.send("GET", "/products/8", Map.of("X-Commit-LSN", "0/1, 7FFFFFFF/FFFFFFFF"), new byte[0]), 400,
                "past the database's current WAL position");
        assertThat(api.http.send("GET", "/products/8", Map.of("X-Commit-LSN", "0/1, 0/2"), new byte[0]).status()).isEqualTo(200);
    }

    @Test
    void aMalformedPercentEscapeAfterAPathParameter_isA400_notA500() {
        // Jetty lets these through (the '%' stands after a ';'), and Javalin's decoding of the id threw: ApiFuzzIT seed 4000.
        for (String path : new String[] {"/products/qxbq;h%y", "/products/n;smoio%is]", "/products/;s%mqn"}) {
            assertProblem(api.http.send("GET", path, Map.of(), new byte[0]), 400, "malformed percent-escape");
        }
        assertProblem(api.http.send("DELETE", "/products/n;smoio%is]", Map.of("Authorization", "Bearer " + DemoApi.WRITE_TOKEN),
                new byte[0]), 400, "malformed percent-escape");
    }

    @Test
    void adminFlushWithAMalformedPattern_isA400() {
        for (String pattern : new String[] {"product:[z-a]", "product:[\\]", "product:[[]"}) {
            RawHttp.Response answer = api.http.send("POST", "/admin/flush?view=product&pattern="
                    + java.net.URLEncoder.encode(pattern, StandardCharsets.UTF_8), Map.of("Authorization", "Bearer " + DemoApi.ADMIN_TOKEN),
                    new byte[0]);
            assertProblem(answer, 400, "not a valid glob");
        }
    }

    @Test
    void anUploadDroppedMidBody_isNeitherA500NorAnErrorLog() {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        try {
            byte[] cut = ("PATCH /products/9 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                    + DemoApi.WRITE_TOKEN + "\r\nContent-Length: 10000\r\n\r\n{\"stock\": 1").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 5; i++) {
                api.http.exchange(cut, true);
            }
            await().until(() -> requests("PATCH", "/products/{id}") >= 5);
        } finally {
            root.detachAppender(appender);
        }
        assertThat(appender.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
        assertThat(api.metrics.find("http.server.requests").tag("route", "/products/{id}").tag("status", "500").timers()).isEmpty();
    }

    @Test
    void jettysOwnRefusals_badRequestLine_uriTooLong_headersTooLarge_areProblemJson() {
        assertThat(api.http.exchange("THIS IS NOT HTTP\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), false))
                .satisfies(answer -> assertProblem(answer, 400, ""));
        assertProblem(api.http.send("GET", "/products/" + "1".repeat(20_000), Map.of(), new byte[0]), 414, "");
        assertProblem(api.http.send("GET", "/products/1", Map.of("X-Big", "x".repeat(20_000)), new byte[0]), 431, "");
        assertProblem(api.http.send("GET", "/views/product?id=%zz", Map.of(), new byte[0]), 400, "");
    }

    @Test
    void withAWriteToken_aWriteWithoutIt_orWithAnotherOne_is401WithAChallenge() {
        RawHttp.Response none = api.http.send("PATCH", "/products/10", DemoApi.json(), "{\"stock\": 3}".getBytes(StandardCharsets.UTF_8));
        assertProblem(none, 401, "Authorization: Bearer");
        assertThat(none.headers()).containsEntry("www-authenticate", "Bearer realm=\"cachepipe-write\"");
        RawHttp.Response wrong = api.http.send("PATCH", "/products/10", Map.of("Content-Type", "application/json",
                "Authorization", "Bearer not-the-token-at-all"), "{\"stock\": 3}".getBytes(StandardCharsets.UTF_8));
        assertProblem(wrong, 401, "not the write token");
        assertThat(wrong.headers().get("www-authenticate")).contains("invalid_token");
        assertThat(write("PATCH", "/products/10", "{\"stock\": 3}").status()).isEqualTo(200);
        assertThat(namespace.jdbc().queryValue(Integer.class, "SELECT stock FROM products WHERE id = 10")).isEqualTo(3);
    }

    private RawHttp.Response write(String method, String path, String json) {
        Map<String, String> headers = new HashMap<>(DemoApi.json());
        headers.put("Authorization", "Bearer " + DemoApi.WRITE_TOKEN);
        return api.http.send(method, path, headers, json.getBytes(StandardCharsets.UTF_8));
    }

    private Object price(long id) {
        return namespace.jdbc().queryValue(String.class, "SELECT price::text FROM products WHERE id = " + id);
    }

    @Test
    void aReadOfATableAMigrationHoldsLocked_isA503WithRetryAfter_afterTheStatementTimeout_notAHungConnection() throws Exception {
        try (Connection migration = namespace.jdbc().connect()) {
            migration.setAutoCommit(false);
            try (Statement statement = migration.createStatement()) {
                statement.execute("LOCK TABLE products IN ACCESS EXCLUSIVE MODE");
            }
            RawHttp.Response answer = api.http.send("GET", "/products/191", Map.of(), new byte[0]);
            assertProblem(answer, 503, "canceling statement due to statement timeout");
            assertThat(answer.headers()).containsEntry("retry-after", "1");
            migration.rollback();
        }
        assertThat(api.http.send("GET", "/products/191", Map.of(), new byte[0]).body()).contains("\"id\":191");
    }

    private long requests(String method, String route) {
        return api.metrics.find("http.server.requests").tag("method", method).tag("route", route).timers().stream()
                .mapToLong(Timer::count).sum();
    }

    private static void assertProblem(RawHttp.Response answer, int status, String reason) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.isProblem()).as("problem+json: %s", answer).isTrue();
        assertThat(answer.body()).contains("\"status\":" + status).contains(reason);
    }
}
