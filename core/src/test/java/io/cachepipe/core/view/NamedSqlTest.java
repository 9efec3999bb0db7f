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

    @Test
    void numbersEachDistinctNameOnceForPrepare() {
        String sql = "SELECT :id::bigint, ':not' FROM t WHERE x = :id AND y = :page_no OFFSET (:page_no - 1) * 20";
        assertThat(NamedSql.numbered(sql)).isEqualTo("SELECT $1::bigint, ':not' FROM t WHERE x = $1 AND y = $2 OFFSET ($2 - 1) * 20");
        assertThat(NamedSql.parse(sql).names()).containsExactly("id", "page_no");
    }
}
