package io.cachepipe.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KeySpaceTest {
    private final ViewCatalog catalog = TestViews.catalog();
    private final KeySpace keys = new KeySpace("cp:", catalog);

    @Test
    void exactOnlyViewsRenderWithoutHashTag() {
        CacheKey key = keys.key(catalog.view("product").orElseThrow(), Map.of("id", 42L));
        assertThat(key.redisKey()).isEqualTo("cp:product:42");
        assertThat(key.group()).isNull();
    }

    @Test
    void patternViewsPutTheGroupInTheHashTag_soKeysIndexAndVersionShareASlot() {
        ViewDefinition view = catalog.view("category-products").orElseThrow();
        CacheKey key = keys.key(view, Map.of("category_id", 3L, "page", 2));
        assertThat(key.redisKey()).isEqualTo("cp:{category:3}:products:page:2");
        assertThat(key.group()).isEqualTo(new KeyGroup("cp:{category:3}:products:page:*", "cp:{category:3}:products:page:*:#version"));
        assertThat(keys.group(view, Map.of("category_id", 3L))).isEqualTo(key.group());
    }

    @Test
    void parsesItsOwnKeysBackToViewAndTypedParameters() {
        ViewDefinition view = catalog.view("category-products").orElseThrow();
        CacheKey key = keys.key(view, Map.of("category_id", 3L, "page", 2));
        assertThat(keys.parse(key.redisKey())).contains(key);
        CacheKey sku = keys.key(catalog.view("by-sku").orElseThrow(), Map.of("sku", "A:1 {x}"));
        assertThat(keys.parse(sku.redisKey())).contains(sku);
        assertThat(keys.parse("cp:unknown:1")).isEmpty();
        assertThat(keys.parse("other:product:1")).isEmpty();
    }
}
