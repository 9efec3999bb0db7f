package io.cachepipe.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.cli.CachepipeCommand;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The documents' command blocks are all marked, each is what {@link RunbookIT} runs, and every
 * command in them parses: a renamed option fails here, in seconds, before any server starts.
 */
class RunbookTest {
    /**
     * Every scenario of docs/operations.md that has an integration test: in {@link RunbookIT}, but lost-changes
     * in {@link LostChangesRunbookIT}.
     */
    static final List<String> SCENARIOS = List.of("redis-lost", "bad-deploy", "lost-changes", "before-a-launch", "bad-view");

    @Test
    void everyCommandBlockOfTheRunbook_isMarked_andTheMarkedOnesAreTheTestedScenarios() {
        assertThat(Runbook.blocks(Runbook.OPERATIONS)).containsOnlyKeys(SCENARIOS);
        long commandBlocks = Runbook.bashBlocks(Runbook.OPERATIONS).stream().filter(block -> block.contains("cachepipe ")).count();
        assertThat(commandBlocks).as("```bash blocks with cachepipe commands in " + Runbook.OPERATIONS)
                .isEqualTo(SCENARIOS.size());
        assertThat(Runbook.blocks(Runbook.README)).containsKey("operating-it");
    }

    @Test
    void everyCommandOfTheMarkedBlocks_parsesAsTheCliReadsIt() {
        Map<String, List<String>> blocks = new java.util.LinkedHashMap<>(Runbook.blocks(Runbook.OPERATIONS));
        blocks.put("README operating-it", Runbook.block(Runbook.README, "operating-it"));
        blocks.forEach((name, lines) -> {
            Map<String, String> variables = new java.util.HashMap<>();
            int commands = 0;
            for (String text : lines) {
                ShellLine line = ShellLine.parse(text, variables::get);
                switch (line.kind()) {
                    case ASSIGNMENT, EXPORT -> variables.put(line.assignment().getKey(), line.assignment().getValue());
                    case COMMAND -> {
                        assertThat(line.words().get(0)).as(name + ": " + text).isIn("cachepipe", "./cachepipe");
                        String[] args = line.words().subList(1, line.words().size()).toArray(String[]::new);
                        CommandLine.ParseResult parsed = CachepipeCommand.commandLine().parseArgs(args);
                        assertThat(parsed.hasSubcommand()).as(name + ": " + text).isTrue();
                        commands++;
                    }
                    case NOTHING -> {
                    }
                }
            }
            assertThat(commands).as(name).isPositive();
        });
    }

    @Test
    void aLineIsReadAsBashReadsIt_quotesVariablesAndTheExitTheCommentPromises() {
        Map<String, String> variables = Map.of("WHEN", "2026-11-22T02:00:00Z");
        ShellLine line = ShellLine.parse("cachepipe replay --from \"$WHEN\" --tables 'a b' x${WHEN}y   # exit 3: refused",
                variables::get);
        assertThat(line.kind()).isEqualTo(ShellLine.Kind.COMMAND);
        assertThat(line.words()).containsExactly("cachepipe", "replay", "--from", "2026-11-22T02:00:00Z", "--tables", "a b",
                "x2026-11-22T02:00:00Zy");
        assertThat(line.expectedExit()).isEqualTo(3);
        assertThat(ShellLine.parse("./cachepipe flush --pattern 'product:4*'  # drop them", variables::get).expectedExit()).isZero();
        assertThat(ShellLine.parse("BAD_RELEASE=2026-11-22T02:00:00Z   # from the deploy log", variables::get).assignment())
                .isEqualTo(Map.entry("BAD_RELEASE", "2026-11-22T02:00:00Z"));
        assertThat(ShellLine.parse("export CACHEPIPE_CONFIG=/x/.cachepipe/cachepipe.settings", variables::get).kind())
                .isEqualTo(ShellLine.Kind.EXPORT);
        assertThatThrownBy(() -> ShellLine.parse("cachepipe replay --from $UNSET", variables::get))
                .hasMessageContaining("$UNSET is not set");
    }
}
