package io.cachepipe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * deploy/prometheus/alerts.yml is valid for Prometheus ({@code promtool check rules}), its unit
 * tests pass ({@code promtool test rules alerts-test.yml}), every alert has a test that fires it and
 * one that keeps it silent, every alert names its runbook: a heading of docs/operations.md, and every
 * recording rule is evaluated by a test that expects its samples.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AlertRulesTest {
    @Test
    void theRulesFile_passesPromtoolCheckRules() {
        Path promtool = PrometheusTools.require("promtool");
        PrometheusTools.Run check = PrometheusTools.run(PrometheusTools.ROOT, 30, promtool.toString(), "check", "rules",
                "deploy/prometheus/alerts.yml");
        assertThat(check.exit()).as(check.describe()).isZero();
        assertThat(check.output()).as(check.describe()).contains("SUCCESS: " + rules().size() + " rules found");
    }

    @Test
    void theRulesUnitTests_passUnderPromtoolTestRules() {
        Path promtool = PrometheusTools.require("promtool");
        PrometheusTools.Run test = PrometheusTools.run(PrometheusTools.ROOT, 30, promtool.toString(), "test", "rules",
                "deploy/prometheus/alerts-test.yml");
        assertThat(test.exit()).as(test.describe()).isZero();
        assertThat(test.output()).as(test.describe()).contains("SUCCESS");
    }

    @Test
    void everyAlert_isFiredByOneTestCase_andKeptSilentByAnother() {
        Set<String> fired = new HashSet<>();
        Set<String> silent = new HashSet<>();
        for (JsonNode test : PrometheusTools.yaml(PrometheusTools.ALERTS_TEST).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String alert = check.path("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? silent : fired).add(alert);
            }
        }
        List<String> alerts = alerts().stream().map(rule -> rule.path("alert").asText()).toList();
        assertThat(fired).as("alerts some test case fires").containsAll(alerts);
        assertThat(silent).as("alerts some test case keeps silent").containsAll(alerts);
    }

    @Test
    void everyAlert_saysWhatHappened_andLinksItsRunbook_aHeadingOfTheOperationsGuide() throws IOException {
        Set<String> anchors = Files.readAllLines(PrometheusTools.ROOT.resolve("docs/operations.md")).stream()
                .filter(line -> line.startsWith("#")).map(AlertRulesTest::anchor).collect(Collectors.toSet());
        for (JsonNode rule : alerts()) {
            String alert = rule.path("alert").asText();
            JsonNode annotations = rule.path("annotations");
            assertThat(annotations.path("summary").asText()).as(alert + " summary").isNotBlank();
            assertThat(annotations.path("description").asText()).as(alert + " description").isNotBlank();
            assertThat(annotations.path("runbook").asText()).as(alert + " runbook")
                    .isEqualTo("docs/operations.md#" + alert.toLowerCase(Locale.ROOT));
            assertThat(anchors).as("headings of docs/operations.md: the runbook of " + alert)
                    .contains(alert.toLowerCase(Locale.ROOT));
            assertThat(rule.path("labels").path("severity").asText()).as(alert + " severity").isIn("critical", "warning");
        }
    }

    /** The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
    static String anchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }

    @Test
    void everyRecordingRule_isEvaluatedByATestCase_thatExpectsSamples() {
        Set<String> evaluated = new HashSet<>();
        for (JsonNode test : PrometheusTools.yaml(PrometheusTools.ALERTS_TEST).path("tests")) {
            for (JsonNode check : test.path("promql_expr_test")) {
                if (!check.path("exp_samples").isEmpty()) {
                    evaluated.add(check.path("expr").asText().strip());
                }
            }
        }
        List<String> records = rules().stream().filter(rule -> rule.has("record")).map(rule -> rule.path("record").asText()).toList();
        assertThat(records).as("recording rules in alerts.yml").isNotEmpty();
        assertThat(evaluated).as("recording rules some test case evaluates").containsAll(records);
    }

    /** Every rule of every group: alerts and recording rules. */
    private static List<JsonNode> rules() {
        List<JsonNode> rules = new ArrayList<>();
        PrometheusTools.yaml(PrometheusTools.ALERTS).path("groups").forEach(group -> group.path("rules").forEach(rules::add));
        return rules;
    }

    private static List<JsonNode> alerts() {
        return rules().stream().filter(rule -> rule.has("alert")).toList();
    }
}
