package io.cachepipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cachepipe.cli.ops.SettingsLookup;
import io.cachepipe.core.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml and docs/configuration.md cannot be run here (no Docker engine), so their
 * consistency with the code is checked instead: every variable compose sets is a real setting, and
 * the configuration reference is exactly what {@code cachepipe config} generates, and docs/openapi.json
 * what {@code cachepipe openapi} generates for the demo catalog.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void composeSetsOnlyVariablesThatTheProcessesRead() throws Exception {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        Set<String> known = ConfigCommand.allSettings().values().stream().flatMap(java.util.List::stream)
                .map(Setting::env).collect(Collectors.toSet());
        Set<String> used = new TreeSet<>();
        var matcher = Pattern.compile("\\b(CACHEPIPE_[A-Z_]+|CACHE_ENABLED)\\b").matcher(compose);
        while (matcher.find()) {
            used.add(matcher.group(1));
        }
        assertThat(used).isNotEmpty();
        assertThat(known).containsAll(used);
    }

    @Test
    void theSectionsAMisspeltKeyIsLookedForIn_areTheSectionsOfTheSettingsThereAre() {
        Set<String> sections = ConfigCommand.allSettings().values().stream().flatMap(java.util.List::stream)
                .map(setting -> Setting.section(setting.key())).collect(Collectors.toSet());
        assertThat(Setting.SECTIONS).isEqualTo(sections);
    }

    @Test
    void composeRunsEveryProcessMainAndParsesAsYaml() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        String commands = compose.get("services").toString();
        assertThat(commands).contains("io.cachepipe.cdc.CdcCaptureMain", "io.cachepipe.invalidator.InvalidatorMain",
                "io.cachepipe.warmer.WarmerMain", "io.cachepipe.api.ApiMain");
        for (String main : new String[] {"io.cachepipe.cdc.CdcCaptureMain", "io.cachepipe.invalidator.InvalidatorMain",
                "io.cachepipe.warmer.WarmerMain", "io.cachepipe.api.ApiMain"}) {
            assertThat(Class.forName(main).getMethod("main", String[].class)).isNotNull();
        }
    }

    @Test
    void composeChecksEveryProcessesHealth_scalesTheApiBehindHaproxy_andMountsOnlyFilesThatExist() throws Exception {
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile()).get("services");
        Map<String, String> ports = Map.of("cdc-capture", "9401", "invalidator", "9402", "warmer", "9403", "api", "8080");
        ports.forEach((service, port) -> assertThat(services.path(service).path("healthcheck").path("test").toString())
                .as(service + "'s health check: the image's probe on its admin port")
                .contains("io.cachepipe.image.HealthProbe", "http://127.0.0.1:" + port + "/health/ready"));
        assertThat(services.path("api").has("ports")).as("API replicas publish no host port: the load balancer does").isFalse();
        assertThat(services.path("api").path("deploy").path("replicas").asInt()).isGreaterThan(1);
        assertThat(services.path("lb").path("image").asText()).startsWith("haproxy:");
        assertThat(services.path("lb").path("ports").toString()).contains("8080:8080");

        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        var mounts = Pattern.compile("- \\./([^:]+):").matcher(compose);
        Set<String> mounted = new TreeSet<>();
        while (mounts.find()) {
            mounted.add(mounts.group(1));
        }
        assertThat(mounted).contains("deploy/compose/haproxy.cfg", "deploy/compose/seed.sql", "examples/catalog/views.yaml")
                .allSatisfy(file -> assertThat(ROOT.resolve(file)).isRegularFile());
        assertThat(compose).as("the image ./mvnw package builds (image/pom.xml)").contains("image: cachepipe:0.1.0-SNAPSHOT");
        assertThat(Files.readString(ROOT.resolve("image/pom.xml"))).contains("<image>cachepipe:${project.version}</image>");
    }

    @Test
    void configurationReferenceIsGeneratedFromTheSettings() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/configuration.md"));
        String begin = "<!-- generated by `cachepipe config`: begin -->";
        String end = "<!-- generated by `cachepipe config`: end -->";
        assertThat(doc).contains(begin, end);
        String generated = doc.substring(doc.indexOf(begin) + begin.length(), doc.indexOf(end)).strip();
        assertThat(generated).as("docs/configuration.md is stale: regenerate it with ./cachepipe config")
                .isEqualTo(ConfigCommand.markdown().strip());
    }

    @Test
    void theDemosOpenApiDocumentIsGeneratedFromItsViews(@TempDir Path emptyDirectory) throws Exception {
        var defaultsOnly = new SettingsLookup(Map.of(), new Properties(), emptyDirectory, CachepipeCommand.everySetting());
        Cli.Result result = Cli.run(CachepipeCommand.commandLine(defaultsOnly),
                List.of("openapi", "--views", ROOT.resolve("examples/catalog/views.yaml").toString()));
        assertThat(result.exit()).as(result.err()).isZero();
        var json = new ObjectMapper();
        JsonNode generated = json.readTree(result.out());
        JsonNode committed = json.readTree(ROOT.resolve("docs/openapi.json").toFile());
        // The build's version is the one part that may differ: a jar says 0.1.0-SNAPSHOT, the test classes "development".
        ((ObjectNode) generated.get("info")).remove("version");
        ((ObjectNode) committed.get("info")).remove("version");
        assertThat(committed).as("docs/openapi.json is stale: regenerate it with bin/update-openapi-docs").isEqualTo(generated);
    }
}
