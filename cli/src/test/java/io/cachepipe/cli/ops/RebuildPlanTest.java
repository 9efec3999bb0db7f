package io.cachepipe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.ops.ViewSelection;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which views of the shipped examples a rebuild can fill without the database; the shape check runs without one. */
class RebuildPlanTest {
    private final ViewCatalog catalog = ViewsFile.load(ExampleSchema.CATALOG.viewsLocation());

    @Test
    void unknownViews_areNamedWithTheDeclaredOnes() {
        assertThatThrownBy(() -> ViewSelection.select(catalog, Set.of("product", "nope", "also-nope")))
                .hasMessageContaining("no view named also-nope, nope")
                .hasMessageContaining("declared: product, category-products, category, product-reviews");
        assertThat(ViewSelection.select(catalog, Set.of())).hasSize(4);
    }
}
