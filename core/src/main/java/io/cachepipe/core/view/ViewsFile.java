package io.cachepipe.core.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.config.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a views declaration (YAML) into a {@link ViewCatalog}, checking everything that can be
 * checked without a database and reporting every problem at once, each naming file, view and field.
 * {@link io.cachepipe.store.postgres.ViewSchemaCheck} then checks tables, columns and SQL against the database.
 *
 * <p>This class reads the file and its top level; {@link ViewReader} and {@link WriteReader} read one
 * view or write each (their fields through {@link FieldReader}, parameters through {@link ParamsReader}),
 * and {@link DeclarationChecks} relates fields to each other and views to views.
 */
public final class ViewsFile {
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final double DEFAULT_TTL_JITTER = 0.10;
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_STALE_GRACE = Duration.ofSeconds(5);

    private final String origin;
    private final Problems problems = new Problems();
    private final DeclarationChecks checks = new DeclarationChecks(problems);
    private final ViewReader viewReader;
    private final WriteReader writeReader;

    private ViewsFile(String origin) {
        this.origin = origin;
        var fields = new FieldReader(problems);
        var params = new ParamsReader(problems, fields);
        this.viewReader = new ViewReader(origin, problems, fields, params, checks);
        this.writeReader = new WriteReader(origin, problems, fields, params, checks);
    }

    /** Loads {@code path}, or the classpath resource named after a {@code classpath:} prefix. */
    public static ViewCatalog load(String location) {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length());
            try (InputStream in = ViewsFile.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new ConfigException("views.file = '" + location + "': no such classpath resource");
                }
                return parse(location, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ConfigException("views.file = '" + location + "' cannot be read: " + e.getMessage());
            }
        }
        try {
            return parse(location, Files.readString(Path.of(location)));
        } catch (IOException e) {
            throw new ConfigException("views.file = '" + location + "' cannot be read: " + e);
        }
    }

    /** Parses declaration text; {@code origin} names it in messages. */
    public static ViewCatalog parse(String origin, String yaml) {
        return new ViewsFile(origin).read(yaml);
    }

    private ViewCatalog read(String yaml) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(origin + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        }
        JsonNode views = root == null ? null : root.get("views");
        if (views == null || !views.isObject() || views.isEmpty()) {
            throw new ConfigException(origin + ": expected a top-level 'views' map with at least one view");
        }
        List<ViewDefinition> definitions = new ArrayList<>();
        views.properties().forEach(entry -> {
            ViewDefinition view = viewReader.view(entry.getKey(), entry.getValue());
            if (view != null) {
                definitions.add(view);
            }
        });
        List<WriteDefinition> writes = new ArrayList<>();
        JsonNode writesNode = root.get("writes");
        if (writesNode != null && !writesNode.isObject()) {
            problems.add(origin + ": 'writes' must be a map of write name to {route, params, sql}");
        } else if (writesNode != null) {
            writesNode.properties().forEach(entry -> {
                WriteDefinition write = writeReader.write(entry.getKey(), entry.getValue());
                if (write != null) {
                    writes.add(write);
                }
            });
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!name.equals("views") && !name.equals("writes")) {
                problems.add(origin + ": unknown top-level field '" + name + "' (known: views, writes)");
            }
        });
        checks.acrossViews(origin, definitions);
        problems.throwIfAny();
        return new ViewCatalog(definitions, writes, origin);
    }
}
