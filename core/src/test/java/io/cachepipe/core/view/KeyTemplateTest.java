package io.cachepipe.core.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyTemplateTest {

    @Test
    void rendersAndMatchesBack_evenWithSeparatorsInValues() {
        var template = KeyTemplate.parse("user:{name}:plan");
        List<String> segments = template.renderSegments(Map.of("name", "a:b{c}*%"));
        assertThat(String.join(":", segments)).isEqualTo("user:a%3ab%7bc%7d%2a%25:plan");
        assertThat(template.match(segments)).containsEntry("name", "a:b{c}*%");
    }

    @Test
    void missingParametersRenderAsWildcard() {
        var template = KeyTemplate.parse("category:{category_id}:products:page:{page}");
        assertThat(template.renderSegments(Map.of("category_id", 3L))).containsExactly("category", "3", "products", "page", "*");
    }

    @Test
    void rejectsPlaceholdersThatAreNotWholeSegments() {
        assertThatThrownBy(() -> KeyTemplate.parse("product-{id}")).hasMessageContaining("segment 'product-{id}'");
        assertThatThrownBy(() -> KeyTemplate.parse("{id}:product")).hasMessageContaining("must start with a literal");
        assertThatThrownBy(() -> KeyTemplate.parse("p:{id}:{id}")).hasMessageContaining("appears twice");
    }

    @Test
    void detectsTemplatesThatCanCollide() {
        assertThat(KeyTemplate.parse("a:{x}").mayCollideWith(KeyTemplate.parse("a:{y}"))).isTrue();
        assertThat(KeyTemplate.parse("a:{x}").mayCollideWith(KeyTemplate.parse("a:b"))).isTrue();
        assertThat(KeyTemplate.parse("a:{x}").mayCollideWith(KeyTemplate.parse("b:{x}"))).isFalse();
        assertThat(KeyTemplate.parse("a:{x}").mayCollideWith(KeyTemplate.parse("a:{x}:reviews"))).isFalse();
    }
}
