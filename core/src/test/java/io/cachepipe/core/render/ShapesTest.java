package io.cachepipe.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewDefinition;
import org.junit.jupiter.api.Test;

/** The SQL a rebuild recognises as a plain row, whose row images it renders itself. */
class ShapesTest {

    @Test
    void aPrimaryKeyLookupOfPlainColumns_isAPlainRow() {
        var shape = PlainRowView.shape(TestViews.ofSql("SELECT id, sku, name AS title\nFROM products WHERE id = :id", "id",
                ViewDefinition.ResultShape.ROW));
        assertThat(shape).hasValueSatisfying(found -> {
            assertThat(found.table()).isEqualTo(new TableName("public", "products"));
            assertThat(found.keyColumn()).isEqualTo("id");
            assertThat(found.items()).extracting(item -> item[0] + "<-" + item[1]).containsExactly("id<-id", "sku<-sku", "title<-name");
        });
    }

    @Test
    void joins_expressions_lists_andOtherKeys_areNot() {
        assertThat(PlainRowView.shape(TestViews.ofSql("SELECT id, price * 2 AS p FROM products WHERE id = :id", "id",
                ViewDefinition.ResultShape.ROW))).isEmpty();
        assertThat(PlainRowView.shape(TestViews.ofSql("SELECT p.id FROM products p JOIN c ON true WHERE p.id = :id", "id",
                ViewDefinition.ResultShape.ROW))).isEmpty();
        assertThat(PlainRowView.shape(TestViews.ofSql("SELECT id FROM products WHERE id = :id", "id", ViewDefinition.ResultShape.LIST))).isEmpty();
        assertThat(PlainRowView.shape(TestViews.ofSql("SELECT id FROM products WHERE sku = :id", "id", ViewDefinition.ResultShape.ROW)))
                .as("the source binds id, the SQL filters on sku").isEmpty();
    }

    @Test
    void quotedNames_asAnOrmWritesThem_makeAPlainRowToo() {
        var catalog = io.cachepipe.core.view.ViewsFile.parse("v.yaml", """
                views:
                  line:
                    key: line:{id}
                    params: {id: long}
                    sql: SELECT "Id" AS id, "Qty", Note FROM "Sales"."Order Lines" WHERE "Id" = :id
                    result: row
                    sources: [{table: '"Sales"."Order Lines"', bind: {id: '"Id"'}}]
                """);
        assertThat(PlainRowView.shape(catalog.view("line").orElseThrow())).hasValueSatisfying(found -> {
            assertThat(found.table()).isEqualTo(new TableName("Sales", "Order Lines"));
            assertThat(found.keyColumn()).isEqualTo("Id");
            assertThat(found.items()).extracting(item -> item[0] + "<-" + item[1]).containsExactly("id<-Id", "Qty<-Qty", "note<-note");
        });
    }
}
