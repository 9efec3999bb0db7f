package io.cachepipe.core.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.view.KeyTemplate;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ParamType;
import io.cachepipe.core.view.SourceMapping;
import io.cachepipe.core.view.TableName;
import io.cachepipe.core.view.ViewDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SQL a rebuild recognises as a plain row, and the batched form of any other view's SQL. */
class ShapesTest {

    @Test
    void aPrimaryKeyLookupOfPlainColumns_isAPlainRow() {
        var shape = PlainRowView.shape(view("SELECT id, sku, name AS title\nFROM products WHERE id = :id", "id",
                ViewDefinition.ResultShape.ROW));
        assertThat(shape).hasValueSatisfying(found -> {
            assertThat(found.table()).isEqualTo(new TableName("public", "products"));
            assertThat(found.keyColumn()).isEqualTo("id");
            assertThat(found.items()).extracting(item -> item[0] + "<-" + item[1]).containsExactly("id<-id", "sku<-sku", "title<-name");
        });
    }

    @Test
    void joins_expressions_lists_andOtherKeys_areNot() {
        assertThat(PlainRowView.shape(view("SELECT id, price * 2 AS p FROM products WHERE id = :id", "id",
                ViewDefinition.ResultShape.ROW))).isEmpty();
        assertThat(PlainRowView.shape(view("SELECT p.id FROM products p JOIN c ON true WHERE p.id = :id", "id",
                ViewDefinition.ResultShape.ROW))).isEmpty();
        assertThat(PlainRowView.shape(view("SELECT id FROM products WHERE id = :id", "id", ViewDefinition.ResultShape.LIST))).isEmpty();
        assertThat(PlainRowView.shape(view("SELECT id FROM products WHERE sku = :id", "id", ViewDefinition.ResultShape.ROW)))
                .as("the source binds id, the SQL filters on sku").isEmpty();
    }

    @Test
    void batchSql_runsTheViewOncePerParameterSet_inALateralJoin() {
        String sql = BatchLoader.batchSql(view("SELECT id, name FROM products WHERE category_id = :id AND name <> ':id?' LIMIT 20",
                "id", ViewDefinition.ResultShape.LIST), List.of("id"));
        assertThat(sql).contains("unnest(?::bigint[]) WITH ORDINALITY AS k(p_id, ord)")
                .contains("WHERE category_id = k.p_id AND name <> ':id?' LIMIT 20")
                .contains("LEFT JOIN LATERAL").endsWith("ORDER BY k.ord, v.cachepipe_rn");
    }

    @Test
    void globs_matchLikeRedisPatterns() {
        assertThat(ViewKeys.globToRegex("product:1*").matcher("product:12").matches()).isTrue();
        assertThat(ViewKeys.globToRegex("product:1*").matcher("product:21").matches()).isFalse();
        assertThat(ViewKeys.globToRegex("category:?:products:page:[12]").matcher("category:3:products:page:2").matches()).isTrue();
        assertThat(ViewKeys.globToRegex("a.b").matcher("axb").matches()).as("dots are literal").isFalse();
    }

    private static ViewDefinition view(String sql, String param, ViewDefinition.ResultShape shape) {
        return new ViewDefinition("v", KeyTemplate.parse("v:{" + param + "}"),
                Map.of(param, new ParamSpec(param, ParamType.LONG, null, null, null)), sql, shape, Duration.ofMinutes(1), 0,
                Duration.ofMinutes(1), ViewDefinition.ChangeMode.INVALIDATE, Duration.ZERO, ViewDefinition.WarmPolicy.CACHED,
                Duration.ZERO, null, List.of(new SourceMapping(new TableName("public", "products"), Map.of(param, "id"))), -1);
    }
}
