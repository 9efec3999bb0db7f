package io.cachepipe.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.ChangeOp;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.ChangeMapper;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.examples.ExampleSchema;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The micro-benchmarks' inputs are what they claim: real changes that reach every path measured. */
class ChangePathInputsTest {
    private final ViewCatalog catalog = ViewsFile.load(ExampleSchema.CATALOG.viewsLocation());
    private final ProductChanges changes = new ProductChanges(1024, 10_000, 100, 42);

    @Test
    void everyChange_isAProductUpdateWithBothImages() {
        assertThat(changes.events).allSatisfy(event -> {
            assertThat(event.op()).isEqualTo(ChangeOp.UPDATE);
            assertThat(event.before()).isNotNull();
            assertThat(event.after()).isNotNull();
            assertThat(event.version().lsn()).isLessThan(event.lsn());
        });
    }

    @Test
    void popularProducts_changeOften_andAboutAFifthMoveCategory() {
        long distinct = Arrays.stream(changes.productIds).distinct().count();
        assertThat(distinct).isBetween(300L, 900L);
        long moves = Arrays.stream(changes.events).filter(event -> !event.before().get("category_id").equals(event.after().get("category_id"))).count();
        assertThat(moves).isBetween(150L, 300L);
    }

    @Test
    void theProductView_rendersTheAfterImageAsTheDatabaseWould() {
        var row = RowViews.of(catalog.view("product").orElseThrow(), RowViews.PRODUCT);
        var event = changes.events[0];
        byte[] value = row.newValue(event, Map.of("id", changes.productIds[0]));
        assertThat(value).isNotNull();
        String json = new String(value, StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"id\":" + changes.productIds[0] + ",\"sku\":\"SKU-")
                .contains("\"price\":" + event.after().get("price").textValue() + ",")
                .endsWith("Z\"}");
    }

    @Test
    void aMove_touchesBothListingsAndBothAggregates() {
        var mapper = new ChangeMapper(catalog);
        var move = Arrays.stream(changes.events).filter(event -> !event.before().get("category_id").equals(event.after().get("category_id")))
                .findFirst().orElseThrow();
        var targets = mapper.targets(move);
        assertThat(targets).filteredOn(target -> target instanceof CacheTarget.Group).hasSize(2);
        assertThat(targets).filteredOn(target -> target.view().name().equals("category")).hasSize(2);
        assertThat(targets).filteredOn(target -> target.view().name().equals("product")).hasSize(1);
    }
}
