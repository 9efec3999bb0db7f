package io.cachepipe.store.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.TableName;
import org.junit.jupiter.api.Test;

class TopicsTest {
    private final Topics topics = new Topics("cp");

    @Test
    void aChangeTopic_isNamedAsDebeziumNamesIt() {
        assertThat(topics.change(new TableName("public", "products"))).isEqualTo("cp.public.products");
        // Debezium's AbstractTopicNamingStrategy: what Kafka does not allow becomes '_' (it logs "replacing it with").
        assertThat(topics.change(new TableName("Sales", "Order Lines"))).isEqualTo("cp.Sales.Order_Lines");
        assertThat(topics.change(new TableName("public", "Ärger \"x\""))).isEqualTo("cp.public._rger__x_");
        assertThat(topics.change(new TableName("public", "t".repeat(300)))).hasSize(249);
    }
}
