package io.cachepipe.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.ChangeOp;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.json.Json;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ChangeMapperTest {
    private final ObjectMapper json = Json.mapper();
    private final ViewCatalog catalog = TestViews.catalog();
    private final ChangeMapper mapper = new ChangeMapper(catalog);
    private final ViewDefinition product = catalog.view("product").orElseThrow();
    private final ViewDefinition listing = catalog.view("category-products").orElseThrow();
    private final ViewDefinition bySku = catalog.view("by-sku").orElseThrow();

    private ChangeEvent event(ChangeOp op, @Nullable String before, @Nullable String after) throws Exception {
        return new ChangeEvent(new TableName("public", "products"), op, (ObjectNode) json.readTree("{\"id\":1}"),
                before == null ? null : (ObjectNode) json.readTree(before), after == null ? null : (ObjectNode) json.readTree(after),
                new Version(100), 90, 0);
    }

    @Test
    void insert_affectsTheRowItsListingGroupAndItsSku() throws Exception {
        List<CacheTarget> targets = mapper.targets(event(ChangeOp.CREATE, null, "{\"id\":1,\"category_id\":3,\"sku\":\"A\"}"));
        assertThat(targets).containsExactly(
                new CacheTarget.Key(product, Map.of("id", 1L)),
                new CacheTarget.Group(listing, Map.of("category_id", 3L)),
                new CacheTarget.Key(bySku, Map.of("sku", "A")));
    }

    @Test
    void moveToOtherCategory_invalidatesBothListings() throws Exception {
        List<CacheTarget> targets = mapper.targets(event(ChangeOp.UPDATE,
                "{\"id\":1,\"category_id\":3,\"sku\":\"A\"}", "{\"id\":1,\"category_id\":7,\"sku\":\"A\"}"));
        assertThat(targets).containsExactly(
                new CacheTarget.Key(product, Map.of("id", 1L)),
                new CacheTarget.Group(listing, Map.of("category_id", 3L)),
                new CacheTarget.Group(listing, Map.of("category_id", 7L)),
                new CacheTarget.Key(bySku, Map.of("sku", "A")));
    }

    @Test
    void delete_usesTheBeforeImage_andDoesNotRewarmTheDeletedRowsOwnKey() throws Exception {
        List<CacheTarget> targets = mapper.targets(event(ChangeOp.DELETE, "{\"id\":1,\"category_id\":3,\"sku\":\"A\"}", null));
        assertThat(targets).containsExactly(
                new CacheTarget.Key(product, Map.of("id", 1L), false),
                new CacheTarget.Group(listing, Map.of("category_id", 3L)),
                new CacheTarget.Key(bySku, Map.of("sku", "A"), true));
    }

    @Test
    void missingBeforeImage_widensViewsBoundToNonKeyColumns_only() throws Exception {
        List<CacheTarget> targets = mapper.targets(event(ChangeOp.UPDATE, null, "{\"id\":1,\"category_id\":7,\"sku\":\"A\"}"));
        assertThat(targets).contains(new CacheTarget.Key(product, Map.of("id", 1L)));
        assertThat(targets).filteredOn(t -> t instanceof CacheTarget.WholeView).extracting(CacheTarget::view)
                .containsExactly(listing, bySku);
    }

    @Test
    void keyOnlyBeforeImageOfADelete_widens() throws Exception {
        List<CacheTarget> targets = mapper.targets(event(ChangeOp.DELETE, "{\"id\":1,\"category_id\":null,\"sku\":null}", null));
        assertThat(targets).contains(new CacheTarget.Key(product, Map.of("id", 1L), false));
        assertThat(targets).filteredOn(t -> t instanceof CacheTarget.WholeView).hasSize(2);
    }

    @Test
    void toastPlaceholderInTheAfterImage_takesTheBeforeValue_andWidensWithoutOne() throws Exception {
        String placeholder = ChangeEvent.UNAVAILABLE_VALUE;
        List<CacheTarget> targets = mapper.targets(event(ChangeOp.UPDATE,
                "{\"id\":1,\"category_id\":3,\"sku\":\"A\"}", "{\"id\":1,\"category_id\":3,\"sku\":\"" + placeholder + "\"}"));
        assertThat(targets).contains(new CacheTarget.Key(bySku, Map.of("sku", "A")));
        List<CacheTarget> widened = mapper.targets(event(ChangeOp.UPDATE,
                "{\"id\":1,\"category_id\":3,\"sku\":\"" + placeholder + "\"}", "{\"id\":1,\"category_id\":3,\"sku\":\"" + placeholder + "\"}"));
        assertThat(widened).contains(new CacheTarget.WholeView(bySku,
                "column sku of public.products is a value the change does not carry (an unchanged TOAST value, or one too large for a Kafka message)"));
    }

    @Test
    void aNullForeignKeyBelongsToNoGroup() throws Exception {
        List<CacheTarget> targets = mapper.targets(event(ChangeOp.CREATE, null, "{\"id\":1,\"category_id\":null,\"sku\":\"A\"}"));
        assertThat(targets).noneMatch(t -> t.view() == listing);
    }

    @Test
    void truncate_invalidatesEveryViewOfTheTable() throws Exception {
        assertThat(mapper.targets(event(ChangeOp.TRUNCATE, null, null))).hasSize(3).allMatch(t -> t instanceof CacheTarget.WholeView);
    }

    @Test
    void otherTablesAffectNothing() throws Exception {
        var other = new ChangeEvent(new TableName("public", "orders"), ChangeOp.CREATE, null, null,
                (ObjectNode) json.readTree("{\"id\":1}"), new Version(1), 1, 0);
        assertThat(mapper.targets(other)).isEmpty();
    }
}
