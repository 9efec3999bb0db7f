package io.cachepipe.ops.resnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResnapshotTablesTest {
    private final ViewCatalog catalog = ViewsFile.parse("views.yaml", """
            views:
              line:
                key: line:{id}
                params: {id: long}
                sql: SELECT 1 FROM "Sales"."Order Lines" WHERE "Id" = :id
                sources: [{table: '"Sales"."Order Lines"', bind: {id: '"Id"'}}]
              user:
                key: user:{id}
                params: {id: long}
                sql: SELECT 1 FROM "Users" WHERE id = :id
                sources: [{table: '"Users"', bind: {id: id}}]
            """);

    @Test
    void aQuotedNameIsFound_asTheViewsFileWroteIt() {
        assertThat(Resnapshot.tables(catalog, List.of("\"Users\""))).containsExactly(new TableName("public", "Users"));
        assertThatThrownBy(() -> Resnapshot.tables(catalog, List.of("users"))).hasMessageContaining("no view reads it");
    }

    @Test
    void aNameDebeziumCannotReadBackFromItsOffsets_isRefused_beforeAnySignal() {
        assertThatThrownBy(() -> Resnapshot.tables(catalog, List.of("\"Sales\".\"Order Lines\"")))
                .hasMessageStartingWith("--table \"Sales\".\"Order Lines\": Debezium keeps a running incremental snapshot's tables")
                .hasMessageContaining("cachepipe flush --view");
    }
}
