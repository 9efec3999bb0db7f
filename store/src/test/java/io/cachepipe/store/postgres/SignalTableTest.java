package io.cachepipe.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The execute-snapshot signal's data, as Debezium's signalling documentation gives it. */
class SignalTableTest {
    @Test
    void anIncrementalSnapshotSignal_namesEachTableAsSchemaDotTable() {
        assertThat(SignalTable.snapshotData(List.of(TableName.parse("products"), TableName.parse("shop.reviews"))))
                .isEqualTo("{\"data-collections\":[\"public.products\",\"shop.reviews\"],\"type\":\"incremental\"}");
    }
}
