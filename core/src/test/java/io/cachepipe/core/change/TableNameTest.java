package io.cachepipe.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableNameTest {

    @Test
    void anUnquotedName_isFoldedToLowerCase_asPostgreSqlFoldsIt() {
        assertThat(TableName.parse("Products")).isEqualTo(new TableName("public", "products"));
        assertThat(TableName.parse(" Shop.Products ")).isEqualTo(new TableName("shop", "products"));
        assertThat(TableName.parse("Ärger")).isEqualTo(new TableName("public", "Ärger"));
    }

    @Test
    void aQuotedName_keepsItsCaseSpacesDotsAndQuotes() {
        assertThat(TableName.parse("\"Sales\".\"Order Lines\"")).isEqualTo(new TableName("Sales", "Order Lines"));
        assertThat(TableName.parse("\"User\"")).isEqualTo(new TableName("public", "User"));
        assertThat(TableName.parse("sales.\"a.b\"")).isEqualTo(new TableName("sales", "a.b"));
        assertThat(TableName.parse("\"say \"\"hi\"\"\"")).isEqualTo(new TableName("public", "say \"hi\""));
    }

    @Test
    void itPrints_asSqlMustWriteIt() {
        assertThat(new TableName("public", "products")).hasToString("public.products");
        assertThat(new TableName("Sales", "Order Lines")).hasToString("\"Sales\".\"Order Lines\"");
        assertThat(new TableName("public", "user")).hasToString("public.\"user\"");
        assertThat(new TableName("public", "say \"hi\"")).hasToString("public.\"say \"\"hi\"\"\"");
        for (String text : new String[] {"public.products", "\"Sales\".\"Order Lines\"", "public.\"user\"", "x.\"a.b\""}) {
            assertThat(TableName.parse(text)).as(text).hasToString(text);
        }
    }

    @Test
    void whatIsNoTableName_isRefused() {
        for (String text : new String[] {"", "a.b.c", ".a", "a.", "\"open", "\"\""}) {
            assertThatThrownBy(() -> TableName.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a table name");
        }
    }

    @Test
    void aColumnName_isReadTheSameWay() {
        assertThat(SqlIdentifier.parse("Price")).isEqualTo("price");
        assertThat(SqlIdentifier.parse("\"Order Id\"")).isEqualTo("Order Id");
        assertThatThrownBy(() -> SqlIdentifier.parse("a.b")).hasMessageContaining("is not a column name");
    }
}
