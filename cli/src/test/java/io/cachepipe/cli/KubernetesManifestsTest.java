package io.cachepipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.api.ApiConfig;
import io.cachepipe.cdc.CdcConfig;
import io.cachepipe.cli.RenderedManifests.Container;
import io.cachepipe.cli.logging.LogFormat;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.Secrets;
import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import io.cachepipe.invalidator.InvalidatorConfig;
import io.cachepipe.warmer.WarmerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s cannot be applied here (no cluster), so what {@code kubectl kustomize} renders of the example overlay is
 * held to the code instead, the way {@link DeploymentFilesTest} holds docker-compose.yml: every variable is one a
 * process reads, each Deployment runs its process, is probed on the port its settings give it, runs locked down
 * with resources, is covered by a disruption budget, and gets the database password only as a mounted file.
 * Skipped, saying how to install it, where kubectl is missing.
 */
class KubernetesManifestsTest {
    private static final Path ROOT = Path.of("..");
    private static final Path OVERLAY = ROOT.resolve("deploy/k8s/overlays/example");
    /** The image's user (image/pom.xml, {@code <user>}). */
    private static final int IMAGE_USER = 65532;

    private record Process(String main, Setting<Integer> port) {
    }

    private static final Map<String, Process> PROCESSES = Map.of(
            "cachepipe-cdc-capture", new Process("io.cachepipe.cdc.CdcCaptureMain", CdcConfig.ADMIN_PORT),
            "cachepipe-invalidator", new Process("io.cachepipe.invalidator.InvalidatorMain", InvalidatorConfig.ADMIN_PORT),
            "cachepipe-warmer", new Process("io.cachepipe.warmer.WarmerMain", WarmerConfig.ADMIN_PORT),
            "cachepipe-api", new Process("io.cachepipe.api.ApiMain", ApiConfig.PORT));

    private static RenderedManifests rendered;

    /** Rendered once; without kubectl each test is skipped on its own, so the report counts them and says why. */
    @BeforeEach
    void render() {
        if (rendered == null) {
            rendered = RenderedManifests.render(OVERLAY);
        }
    }

    @Test
    void everyVariableIsOneTheProcessesRead_andEachGetsTheRequiredSettings() {
        List<Setting<?>> settings = ConfigCommand.allSettings().values().stream().flatMap(List::stream).toList();
        Set<String> known = settings.stream().map(Setting::env).collect(Collectors.toSet());
        // Read by the processes but not settings: the settings file, the log format, and Kafka's and Debezium's own properties.
        Set<String> others = Set.of(Settings.CONFIG_FILE_ENV, LogFormat.VARIABLE);
        List<String> families = List.of(Setting.envName(KafkaConfig.CLIENT_PROPERTIES), Setting.envName(CdcConfig.DEBEZIUM_PROPERTIES));
        List<String> unknown = new ArrayList<>();
        for (Container container : rendered.containers()) {
            for (String name : container.environment().keySet()) {
                String base = name.endsWith("_FILE") ? name.substring(0, name.length() - "_FILE".length()) : name;
                // CACHEPIPE_VIEWS_FILE is a setting of its own; CACHEPIPE_POSTGRES_PASSWORD_FILE the file of one.
                boolean ours = name.startsWith("CACHEPIPE_") || known.contains(name) || known.contains(base);
                boolean read = known.contains(name) || known.contains(base) || others.contains(name)
                        || families.stream().anyMatch(prefix -> base.startsWith(prefix) && base.length() > prefix.length());
                if (ours && !read) {
                    unknown.add(container.deployment() + ": " + name);
                }
            }
            for (Setting<?> required : settings.stream().filter(Setting::isRequired).toList()) {
                var environment = container.environment();
                assertThat(environment.containsKey(required.env()) || environment.containsKey(required.env() + "_FILE"))
                        .as(container.deployment() + " is given " + required.key() + " (" + required.env() + ")").isTrue();
            }
        }
        assertThat(rendered.containers()).hasSize(PROCESSES.size());
        assertThat(unknown).as("variables no process reads (docs/configuration.md lists those they do)").isEmpty();
    }

    @Test
    void eachDeploymentRunsItsProcessFromTheImage() throws Exception {
        assertThat(rendered.ofKind("Deployment").stream().map(RenderedManifests::name)).containsExactlyInAnyOrderElementsOf(PROCESSES.keySet());
        for (Container container : rendered.containers()) {
            String main = PROCESSES.get(container.deployment()).main();
            assertThat(container.spec().path("args").toString()).as(container.deployment()).isEqualTo("[\"" + main + "\"]");
            assertThat(container.spec().has("command")).as(container.deployment() + " keeps the image's java entrypoint").isFalse();
            assertThat(container.spec().path("image").asText()).as(container.deployment() + ": the image the image module builds")
                    .matches("([^/]+/)*cachepipe:0\\.1\\.0-SNAPSHOT");
            assertThat(Class.forName(main).getMethod("main", String[].class)).isNotNull();
        }
        JsonNode capture = deployment("cachepipe-cdc-capture").path("spec");
        assertThat(capture.path("replicas").asInt()).as("one reader per replication slot").isEqualTo(1);
        assertThat(capture.path("strategy").path("type").asText()).as("the old capture leaves the slot before the new starts")
                .isEqualTo("Recreate");
        for (String scaled : List.of("cachepipe-invalidator", "cachepipe-warmer", "cachepipe-api")) {
            assertThat(deployment(scaled).path("spec").path("replicas").asInt()).as(scaled).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void eachContainerIsProbedOnThePortItsOwnSettingsGiveIt() {
        for (Container container : rendered.containers()) {
            int port = listensOn(container);
            String who = container.deployment() + " (" + PROCESSES.get(container.deployment()).port().env() + " = " + port + ")";
            assertProbe(container, "livenessProbe", "/health/live", port, who);
            assertProbe(container, "readinessProbe", "/health/ready", port, who);
            JsonNode startup = assertProbe(container, "startupProbe", "/health/live", port, who);
            int budget = startup.path("periodSeconds").asInt(10) * startup.path("failureThreshold").asInt(3);
            assertThat(budget).as(who + ": seconds a JVM and Kafka clients have to start before liveness counts")
                    .isGreaterThanOrEqualTo(60);
        }
    }

    @Test
    void servicesReachTheProcessesPorts_andPrometheusScrapesEachOne() {
        Set<String> scraped = new TreeSet<>();
        for (JsonNode service : rendered.ofKind("Service")) {
            JsonNode selector = service.path("spec").path("selector");
            List<Container> selected = rendered.containers().stream()
                    .filter(container -> selects(selector, podLabels(container.deployment()))).toList();
            assertThat(selected).as("Service " + RenderedManifests.name(service) + " selects one Deployment's pods").hasSize(1);
            Container target = selected.get(0);
            int port = listensOn(target);
            for (JsonNode servicePort : service.path("spec").path("ports")) {
                assertThat(target.port(servicePort.path("targetPort"))).as("Service " + RenderedManifests.name(service))
                        .isEqualTo(port);
            }
            JsonNode annotations = service.path("metadata").path("annotations");
            if (annotations.path("prometheus.io/scrape").asText().equals("true")) {
                assertThat(annotations.path("prometheus.io/port").asText()).as("Service " + RenderedManifests.name(service))
                        .isEqualTo(Integer.toString(port));
                assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
                scraped.add(target.deployment());
            }
        }
        assertThat(scraped).containsExactlyInAnyOrderElementsOf(PROCESSES.keySet());
    }

    @Test
    void everyContainerRunsAsTheImagesUserOnAReadOnlyRoot_withResources() {
        for (Container container : rendered.containers()) {
            String who = container.deployment();
            assertThat(container.security("runAsNonRoot").asBoolean()).as(who + " runAsNonRoot").isTrue();
            assertThat(container.security("runAsUser").asInt()).as(who + " runAsUser").isEqualTo(IMAGE_USER);
            JsonNode own = container.spec().path("securityContext");
            assertThat(own.path("readOnlyRootFilesystem").asBoolean()).as(who + " readOnlyRootFilesystem").isTrue();
            assertThat(own.path("allowPrivilegeEscalation").asBoolean(true)).as(who + " allowPrivilegeEscalation").isFalse();
            assertThat(own.path("capabilities").path("drop").toString()).as(who + " drops every capability").contains("\"ALL\"");
            assertThat(container.volumeHolding("/tmp").map(volume -> volume.has("emptyDir"))).as(who + ": /tmp on an emptyDir")
                    .contains(true);
            assertThat(container.pod().path("enableServiceLinks").asBoolean(true))
                    .as(who + ": Service links would set CACHEPIPE_API_PORT=tcp://... and the like").isFalse();
            assertThat(container.pod().has("terminationGracePeriodSeconds")).as(who + " terminationGracePeriodSeconds").isTrue();
            JsonNode resources = container.spec().path("resources");
            for (String kind : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertThat(resources.path(kind).path(resource).asText()).as(who + " " + kind + "." + resource).isNotBlank();
                }
            }
            assertThat(resources.path("requests").path("memory")).as(who + ": the heap is a share of the limit "
                    + "(-XX:MaxRAMPercentage); a pod above its request is evicted first").isEqualTo(resources.path("limits").path("memory"));
        }
        Container invalidator = rendered.containers().stream().filter(c -> c.deployment().equals("cachepipe-invalidator")).findFirst()
                .orElseThrow();
        assertThat(invalidator.volumeHolding(invalidator.env(InvalidatorConfig.STATE_DIR.env())).map(volume -> volume.has("emptyDir")))
                .as("each invalidator's own Kafka Streams state directory, on an emptyDir").contains(true);
    }

    @Test
    void aDisruptionBudgetCoversEachDeployment_andNeverBlocksADrain() {
        for (JsonNode deployment : rendered.ofKind("Deployment")) {
            String name = RenderedManifests.name(deployment);
            JsonNode labels = podLabels(name);
            assertThat(selects(deployment.path("spec").path("selector").path("matchLabels"), labels)).as(name).isTrue();
            List<JsonNode> budgets = rendered.ofKind("PodDisruptionBudget").stream()
                    .filter(budget -> selects(budget.path("spec").path("selector").path("matchLabels"), labels)).toList();
            assertThat(budgets).as("the disruption budgets that select " + name + "'s pods").hasSize(1);
            JsonNode budget = budgets.get(0).path("spec");
            int replicas = deployment.path("spec").path("replicas").asInt(1);
            if (replicas > 1) {
                assertThat(budget.path("minAvailable").asInt()).as(name + " minAvailable").isBetween(1, replicas - 1);
            } else {
                assertThat(budget.path("maxUnavailable").asInt()).as(name + ": a lone pod's budget must allow its eviction")
                        .isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Test
    void theDatabasePasswordArrivesOnlyAsAMountedSecretFile() {
        String password = PostgresConfig.PASSWORD.env();
        for (Container container : rendered.containers()) {
            assertThat(container.environment().containsKey(password)).as(container.deployment() + " sets " + password
                    + ": give the password as a file instead, " + password + "_FILE on a Secret volume").isFalse();
            String file = container.env(password + "_FILE");
            assertThat(container.volumeHolding(file).map(volume -> volume.path("secret").path("secretName").asText()))
                    .as(container.deployment() + ": " + file + " on a Secret volume").hasValueSatisfying(name -> assertThat(name).isNotBlank());
        }
        Set<String> secretVariables = ConfigCommand.allSettings().values().stream().flatMap(List::stream).filter(Setting::secret)
                .map(Setting::env).collect(Collectors.toSet());
        for (JsonNode map : rendered.ofKind("ConfigMap")) {
            map.path("data").fields().forEachRemaining(entry -> {
                assertThat(secretVariables).as("ConfigMap " + RenderedManifests.name(map)).doesNotContain(entry.getKey());
                assertThat(Secrets.maskUrlPasswords(entry.getValue().asText())).as(entry.getKey() + " carries no URL password")
                        .isEqualTo(entry.getValue().asText());
            });
        }
        assertThat(rendered.ofKind("Secret")).as("no secret value in the repository").isEmpty();
    }

    @Test
    void theViewsFileIsTheDemoCatalogsMountedFromAConfigMap() throws Exception {
        String demo = Files.readString(ROOT.resolve("examples/catalog/views.yaml"));
        assertThat(Files.readString(ROOT.resolve("deploy/k8s/base/views.yaml"))).as("deploy/k8s/base/views.yaml is a copy of "
                + "examples/catalog/views.yaml (kustomize reads no file outside the base): copy it again").isEqualTo(demo);
        for (Container container : rendered.containers()) {
            String file = container.env(CacheConfig.VIEWS_FILE.env());
            JsonNode volume = container.volumeHolding(file).orElseThrow(() -> new AssertionError(container.deployment() + " mounts no " + file));
            String map = volume.path("configMap").path("name").asText();
            JsonNode data = rendered.ofKind("ConfigMap").stream().filter(object -> RenderedManifests.name(object).equals(map))
                    .findFirst().orElseThrow(() -> new AssertionError("ConfigMap " + map + " is not rendered")).path("data");
            assertThat(data.path(Path.of(file).getFileName().toString()).asText()).as(container.deployment() + ": " + file).isEqualTo(demo);
        }
    }

    /** The port the container's own port setting gives it: its variable's value, else the setting's default. */
    private static int listensOn(Container container) {
        Setting<Integer> setting = PROCESSES.get(container.deployment()).port();
        return Integer.parseInt(container.environment().getOrDefault(setting.env(), Optional.empty()).orElse(setting.defaultValue()));
    }

    private static JsonNode assertProbe(Container container, String kind, String path, int port, String who) {
        JsonNode get = container.spec().path(kind).path("httpGet");
        assertThat(get.path("path").asText()).as(who + " " + kind + " path").isEqualTo(path);
        assertThat(container.port(get.path("port"))).as(who + " " + kind + " port").isEqualTo(port);
        return container.spec().path(kind);
    }

    private static JsonNode deployment(String name) {
        return rendered.ofKind("Deployment").stream().filter(object -> RenderedManifests.name(object).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    private static JsonNode podLabels(String deployment) {
        return deployment(deployment).path("spec").path("template").path("metadata").path("labels");
    }

    /** A selector selects labels when it names at least one label and each one it names is among them. */
    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        var names = selector.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!labels.has(name) || !labels.get(name).asText().equals(selector.get(name).asText())) {
                return false;
            }
        }
        return true;
    }
}
