package io.cachepipe.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.render.ColumnDescriptions.Described;
import io.cachepipe.core.render.PlainRowView.Image;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The row-image path on Debezium's forms of awkward values: each renders byte for byte as the
 * database path does (the forms {@code RowJsonIT} pins down), or is refused so that the key is loaded
 * from the database. Debezium's forms here are the ones {@code AwkwardValuesIT} reads off the real connector.
 */
class RowImageValuesTest {
    private static final ViewDefinition VIEW = ViewsFile.parse("awkward.yaml", """
            views:
              awkward:
                key: awkward:{id}
                params: {id: long}
                sql: SELECT id, f8, num, tstz, js, big FROM awkward WHERE id = :id
                result: row
                sources: [{table: awkward, bind: {id: id}}]
            """).view("awkward").orElseThrow();
    private static final List<Described> COLUMNS = List.of(new Described("id", Types.BIGINT, "int8"),
            new Described("f8", Types.DOUBLE, "float8"), new Described("num", Types.NUMERIC, "numeric"),
            new Described("tstz", Types.TIMESTAMP, "timestamptz"), new Described("js", Types.OTHER, "jsonb"),
            new Described("big", Types.VARCHAR, "text"));
    private static final PlainRowView ROW = PlainRowView.of(VIEW, COLUMNS).orElseThrow();
    private final ChangeEnvelopes envelopes = new ChangeEnvelopes(Json.mapper());

    @Test
    void float8NegativeZero_keepsItsSign() throws Exception {
        assertThat(show(render("\"f8\":-0.0"))).isEqualTo(rendered("\"f8\":-0.0"));
        assertThat(show(render("\"f8\":0.0"))).isEqualTo(rendered("\"f8\":0.0"));
        assertThat(show(render("\"f8\":1.0E300"))).isEqualTo(rendered("\"f8\":1.0E300"));
    }

    @Test
    void float8Specials_areTheStringsTheDatabasePathWrites() throws Exception {
        assertThat(show(render("\"f8\":\"NaN\""))).isEqualTo(rendered("\"f8\":\"NaN\""));
        assertThat(show(render("\"f8\":\"Infinity\""))).isEqualTo(rendered("\"f8\":\"Infinity\""));
        assertThat(show(render("\"f8\":\"-Infinity\""))).isEqualTo(rendered("\"f8\":\"-Infinity\""));
        assertThat(render("\"f8\":\"1.5\"")).as("text that is no special").isInstanceOf(Image.Refused.class);
    }

    @Test
    void numericSpecials_areMappedFromDebeziumsNames_andScaleIsKept() throws Exception {
        assertThat(show(render("\"num\":\"NAN\""))).isEqualTo(rendered("\"num\":\"NaN\""));
        assertThat(show(render("\"num\":\"POSITIVE_INFINITY\""))).isEqualTo(rendered("\"num\":\"Infinity\""));
        assertThat(show(render("\"num\":\"NEGATIVE_INFINITY\""))).isEqualTo(rendered("\"num\":\"-Infinity\""));
        assertThat(show(render("\"num\":\"0.000000000000000000000000000001\""))).isEqualTo(rendered("\"num\":1E-30"));
        assertThat(show(render("\"num\":\"1.50\""))).isEqualTo(rendered("\"num\":1.50"));
        assertThat(render("\"num\":1.5")).as("decimal.handling.mode other than string").isInstanceOf(Image.Refused.class);
    }

    @Test
    void timestamptzInfinitiesAndBcYears_renderAsTheDatabasePathDoes() throws Exception {
        assertThat(show(render("\"tstz\":\"infinity\""))).isEqualTo(rendered("\"tstz\":\"infinity\""));
        assertThat(show(render("\"tstz\":\"-infinity\""))).isEqualTo(rendered("\"tstz\":\"-infinity\""));
        assertThat(show(render("\"tstz\":\"-0043-03-15T12:00:00Z\""))).isEqualTo(rendered("\"tstz\":\"-0043-03-15T12:00:00Z\""));
        assertThat(show(render("\"tstz\":\"2024-02-29T11:14:15.123456Z\""))).isEqualTo(rendered("\"tstz\":\"2024-02-29T11:14:15.123456Z\""));
    }

    @Test
    void timestampsWithoutAUtcForm_areRefused_notThrown() throws Exception {
        assertThat(render("\"tstz\":\"+999999999-12-31T23:59:59.999999999-18:00\"")).isInstanceOf(Image.Refused.class);
        assertThat(render("\"tstz\":\"yesterday\"")).isInstanceOf(Image.Refused.class);
    }

    @Test
    void anUnchangedToastValue_isRefused_withTheColumnNamed() throws Exception {
        assertThat(render("\"big\":\"" + ChangeEvent.UNAVAILABLE_VALUE + "\""))
                .isEqualTo(new Image.Refused("big", "a value the change does not carry (an unchanged TOAST value, or one too large for a Kafka message)"));
    }

    @Test
    void aDeleteOrAnotherKey_isAbsent() throws Exception {
        ChangeEvent delete = envelopes.parse(bytes("{\"id\":1}"), envelope("d", "{\"id\":1}", "null"));
        assertThat(ROW.image(delete, Map.of("id", 1L))).isInstanceOf(Image.Absent.class);
        ChangeEvent update = envelopes.parse(bytes("{\"id\":1}"), envelope("u", "null", after("\"f8\":1.5")));
        assertThat(ROW.image(update, Map.of("id", 2L))).isInstanceOf(Image.Absent.class);
    }

    @Test
    void typesWhoseDebeziumFormDoesNotMap_makeTheViewLoadFromTheDatabase() {
        for (Described other : List.of(new Described("f8", Types.DOUBLE, "money"), new Described("f8", Types.REAL, "float4"),
                new Described("f8", Types.BIT, "bit"), new Described("f8", Types.DATE, "date"),
                new Described("f8", Types.BINARY, "bytea"), new Described("f8", Types.ARRAY, "_int4"),
                new Described("f8", Types.OTHER, "interval"), new Described("f8", Types.VARCHAR, "mood"))) {
            List<Described> columns = new java.util.ArrayList<>(COLUMNS);
            columns.set(1, other);
            assertThat(PlainRowView.of(VIEW, columns)).as(other.typeName()).isEmpty();
        }
    }

    private Image render(String column) throws Exception {
        ChangeEvent event = envelopes.parse(bytes("{\"id\":1}"), envelope("u", "null", after(column)));
        return ROW.image(event, Map.of("id", 1L));
    }

    private static String show(Image image) {
        return image instanceof Image.Rendered rendered ? "Rendered[" + new String(rendered.value(), StandardCharsets.UTF_8) + "]"
                : image.toString();
    }

    /** The value the database path renders for row 1 with this one column set, as an image result. */
    private static String rendered(String column) {
        return "Rendered[" + expected(column) + "]";
    }

    private static String expected(String column) {
        String[] names = {"f8", "num", "tstz", "js", "big"};
        var json = new StringBuilder("{\"id\":1");
        String name = column.substring(1, column.indexOf('"', 1));
        for (String other : names) {
            json.append(',').append(other.equals(name) ? column : "\"" + other + "\":null");
        }
        return json.append('}').toString();
    }

    private static String after(String column) {
        return expected(column);
    }

    private static byte[] envelope(String op, String before, String after) {
        return ("{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"schema\":\"public\",\"table\":\"awkward\",\"lsn\":100,"
                + "\"sequence\":\"[\\\"90\\\",\\\"100\\\"]\"},\"op\":\"" + op + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
