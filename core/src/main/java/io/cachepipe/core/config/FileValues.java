package io.cachepipe.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The values of one settings file as {@link Settings} reads them: YAML, nested maps flattened to
 * dotted keys ({@code postgres: {url: …}} is {@code postgres.url}), a list joined with commas.
 *
 * @param name   the file as it was named, for messages; empty for no file
 * @param values setting key to text
 */
record FileValues(String name, Map<String, String> values) {
    static final FileValues NONE = new FileValues("", Map.of());

    FileValues {
        values = Map.copyOf(values);
    }

    static FileValues read(Path path) throws IOException {
        Map<String, String> flat = new HashMap<>();
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(path));
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            flatten("", root, flat);
        }
        return new FileValues(path.toString(), flat);
    }

    @Nullable String get(String key) {
        return values.get(key);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * A relative filesystem path resolved against the file's directory (where a file named beside the
     * settings file is, wherever the process runs); a {@code classpath:} location or an absolute path as it is.
     */
    String relative(String text) {
        if (text.startsWith("classpath:")) {
            return text;
        }
        try {
            Path path = Path.of(text);
            Path directory = Path.of(name).toAbsolutePath().getParent();
            return path.isAbsolute() || directory == null ? text : directory.resolve(path).normalize().toString();
        } catch (InvalidPathException e) {
            return text; // the setting's own parser or reader says what is wrong with it
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.properties().forEach(entry ->
                    flatten(prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey(), entry.getValue(), out));
        } else if (node.isArray()) {
            var joined = new StringBuilder();
            node.forEach(item -> joined.append(joined.isEmpty() ? "" : ",").append(item.asText()));
            out.put(prefix, joined.toString());
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }
}
