package io.cachepipe.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batched form of a view's SQL: many keys in one query. */
class BatchSqlTest {

    @Test
    void batchSql_runsTheViewOncePerParameterSet_inALateralJoin() {
        String sql = BatchLoader.batchSql(TestViews.ofSql("SELECT id, name FROM products WHERE category_id = :id AND name <> ':id?' LIMIT 20",
                "id", ViewDefinition.ResultShape.LIST), List.of("id"));
        assertThat(sql).contains("unnest(?::bigint[]) WITH ORDINALITY AS k(p_id, ord)")
                .contains("WHERE category_id = k.p_id AND name <> ':id?' LIMIT 20")
                .contains("LEFT JOIN LATERAL").endsWith("ORDER BY k.ord, v.cachepipe_rn");
    }
}
