package io.cachepipe.cli;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * What {@code kubectl kustomize} renders of a kustomization: its objects, and for each Deployment's container the
 * environment it would start with, as the kubelet composes it ({@code envFrom} ConfigMaps first, {@code env} over
 * them). Only what is rendered can be checked, so a variable from a Secret through {@code envFrom} is refused
 * (its names are not in the manifests); a variable from {@code valueFrom} has its name and no value.
 */
record RenderedManifests(List<JsonNode> objects) {
    /** Kustomize v5 (kubectl 1.27 and later) reads the {@code labels} field the base uses. */
    private static final int OLDEST_MINOR = 27;
    private static final String INSTALL = "install kubectl 1.27 or later, which embeds kustomize v5: the Kubernetes "
            + "project's packages (kubernetes.io/docs/tasks/tools) or the Google Cloud CLI's package kubectl; Debian's "
            + "kubernetes-client is 1.20, too old";

    /** One container of a Deployment's pod template, and the environment it gets. */
    record Container(String deployment, JsonNode pod, JsonNode spec, Map<String, Optional<String>> environment) {
        String env(String name) {
            Optional<String> value = environment.getOrDefault(name, Optional.empty());
            return value.orElseThrow(() -> new AssertionError(deployment + " sets no literal " + name));
        }

        /** The port number a probe or Service names, by number or by the container port's name. */
        int port(JsonNode reference) {
            if (reference.isInt() || reference.asText().matches("\\d+")) {
                return reference.asInt();
            }
            for (JsonNode port : spec.path("ports")) {
                if (port.path("name").asText().equals(reference.asText())) {
                    return port.path("containerPort").asInt();
                }
            }
            throw new AssertionError(deployment + " has no container port named " + reference.asText());
        }

        /** The volume mounted at the longest mount path that holds {@code file}, if any. */
        Optional<JsonNode> volumeHolding(String file) {
            JsonNode best = null;
            int longest = -1;
            for (JsonNode mount : spec.path("volumeMounts")) {
                String path = mount.path("mountPath").asText().replaceAll("/+$", "");
                if ((file.equals(path) || file.startsWith(path + "/")) && path.length() > longest) {
                    best = mount;
                    longest = path.length();
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            String name = best.path("name").asText();
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.path("name").asText().equals(name)) {
                    return Optional.of(volume);
                }
            }
            throw new AssertionError(deployment + " mounts volume " + name + ", which its pod does not declare");
        }

        /** A setting of the container's security context, else of its pod's. */
        JsonNode security(String field) {
            JsonNode own = spec.path("securityContext").path(field);
            return own.isMissingNode() ? pod.path("securityContext").path(field) : own;
        }
    }

    /** Runs {@code kubectl kustomize directory}; skips the test, saying how to install kubectl, where there is none. */
    static RenderedManifests render(Path directory) {
        Path kubectl = kubectl();
        String version = run(List.of(kubectl.toString(), "version", "--client", "-o", "json"));
        var minor = Pattern.compile("\"minor\"\\s*:\\s*\"(\\d+)").matcher(version);
        if (minor.find() && Integer.parseInt(minor.group(1)) < OLDEST_MINOR) {
            Assumptions.abort(kubectl + " is too old (" + version.replaceAll("\\s+", " ") + "): " + INSTALL);
        }
        String yaml = run(List.of(kubectl.toString(), "kustomize", directory.toString()));
        var mapper = new YAMLMapper();
        try (var values = mapper.readValues(mapper.createParser(yaml), JsonNode.class)) {
            List<JsonNode> objects = new ArrayList<>();
            values.forEachRemaining(object -> {
                if (object != null && !object.isEmpty()) {
                    objects.add(object);
                }
            });
            return new RenderedManifests(List.copyOf(objects));
        } catch (IOException e) {
            throw new UncheckedIOException("kubectl kustomize " + directory + " printed no YAML: " + e.getMessage(), e);
        }
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    /** Every container of every Deployment, with its environment resolved against the rendered ConfigMaps. */
    List<Container> containers() {
        List<Container> containers = new ArrayList<>();
        for (JsonNode deployment : ofKind("Deployment")) {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            for (JsonNode container : pod.path("containers")) {
                containers.add(new Container(name(deployment), pod, container, environment(name(deployment), container)));
            }
        }
        return containers;
    }

    private Map<String, Optional<String>> environment(String deployment, JsonNode container) {
        Map<String, Optional<String>> environment = new LinkedHashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            if (!source.has("configMapRef")) {
                fail(deployment + " takes variables from " + source + ": their names are not in the manifests, so "
                        + "no test can check them; name each with env and valueFrom.secretKeyRef, or mount the Secret as files");
            }
            String map = source.path("configMapRef").path("name").asText();
            JsonNode data = ofKind("ConfigMap").stream().filter(object -> name(object).equals(map)).findFirst()
                    .orElseThrow(() -> new AssertionError(deployment + " reads ConfigMap " + map + ", which is not rendered"))
                    .path("data");
            String prefix = source.path("prefix").asText("");
            data.fields().forEachRemaining(entry -> environment.put(prefix + entry.getKey(), Optional.of(entry.getValue().asText())));
        }
        for (JsonNode variable : container.path("env")) {
            environment.put(variable.path("name").asText(),
                    variable.has("value") ? Optional.of(variable.path("value").asText()) : Optional.empty());
        }
        return environment;
    }

    private static Path kubectl() {
        String path = System.getenv("PATH");
        List<String> directories = path == null ? List.of() : List.of(path.split(File.pathSeparator));
        Optional<Path> found = directories.stream().filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, "kubectl")).filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(found.isPresent(), () -> "kubectl is not on the PATH (" + path + "): " + INSTALL);
        return found.orElseThrow();
    }

    /** The command's standard output; its failure fails the test with what it said. Output goes through files. */
    private static String run(List<String> command) {
        try {
            Path out = Files.createTempFile("kubectl", ".out");
            Path err = Files.createTempFile("kubectl", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within 60 s: " + Files.readString(err));
                }
                if (process.exitValue() != 0) {
                    fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + Files.readString(err));
                }
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}
