package io.cachepipe.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamedSqlTest {
    @Test
    void replacesNamedParametersAndKeepsCastsQuotesAndComments() {
        NamedSql sql = NamedSql.parse("SELECT :id::bigint, ':not' AS \"a:b\", $$ :no $$ -- :comment\n"
                + "FROM t /* :c */ WHERE x = :id AND y = :page_no");
        assertThat(sql.jdbcSql()).isEqualTo("SELECT ?::bigint, ':not' AS \"a:b\", $$ :no $$ -- :comment\n"
                + "FROM t /* :c */ WHERE x = ? AND y = ?");
        assertThat(sql.parameters()).containsExactly("id", "id", "page_no");
        assertThat(sql.names()).containsExactly("id", "page_no");
    }
}
