package io.cachepipe.demo;

import io.cachepipe.cli.CachepipeCommand;
import io.cachepipe.cli.Cli;
import io.cachepipe.cli.ops.SettingsLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A new terminal, as an operator opens one: its own environment variables, shell variables and
 * working directory, and {@code cachepipe} on the path. Commands run through the CLI's own entry
 * point ({@link CachepipeCommand#commandLine(SettingsLookup)}) in this JVM, which sees only this
 * terminal's environment and directory: not the test JVM's.
 */
final class Terminal {
    private final Path workingDirectory;
    private final Map<String, String> environment;
    private final Map<String, String> variables = new HashMap<>();

    Terminal(Path workingDirectory, Map<String, String> environment) {
        this.workingDirectory = workingDirectory.toAbsolutePath();
        this.environment = new LinkedHashMap<>(environment);
    }

    /** One command line of a block, and what it did. */
    record Step(ShellLine line, Cli.Result result) {
        /** For assertion messages: the line, its exit status and everything it printed. */
        String describe() {
            return "`" + line.text().strip() + "` exited " + result.exit() + " (the runbook says " + line.expectedExit() + "):\n"
                    + result.text();
        }
    }

    /** Runs every line of a block; see {@link #run(List, Map)}. */
    List<Step> run(List<String> lines) {
        return run(lines, Map.of());
    }

    /**
     * Runs every line of a block in order, answering the commands' steps. {@code inputs} are the values an
     * operator types in place of a block's example assignment ({@code BAD_RELEASE=2026-...}: the time from
     * their own deploy log). A line that is neither an assignment nor a {@code cachepipe} command is an error:
     * a runbook block holds only what this terminal can run.
     */
    List<Step> run(List<String> lines, Map<String, String> inputs) {
        List<Step> steps = new ArrayList<>();
        for (String text : lines) {
            ShellLine line = ShellLine.parse(text, this::variable);
            switch (line.kind()) {
                case NOTHING -> {
                }
                case ASSIGNMENT -> variables.put(line.assignment().getKey(),
                        inputs.getOrDefault(line.assignment().getKey(), line.assignment().getValue()));
                case EXPORT -> environment.put(line.assignment().getKey(),
                        inputs.getOrDefault(line.assignment().getKey(), line.assignment().getValue()));
                case COMMAND -> steps.add(new Step(line, cachepipe(arguments(line))));
            }
        }
        return steps;
    }

    /** {@code cachepipe <args>} in this terminal; the transcript goes to the test's output. */
    Cli.Result cachepipe(List<String> args) {
        var lookup = new SettingsLookup(environment, new Properties(), workingDirectory, CachepipeCommand.everySetting());
        Cli.Result result = Cli.run(CachepipeCommand.commandLine(lookup), args);
        System.out.print("$ cachepipe " + String.join(" ", args) + "\n" + result.err() + result.out() + "(exit " + result.exit() + ")\n");
        return result;
    }

    private static List<String> arguments(ShellLine line) {
        String program = line.words().get(0);
        if (!program.equals("cachepipe") && !program.equals("./cachepipe")) {
            throw new IllegalArgumentException("a runbook block runs cachepipe commands only, not: " + line.text());
        }
        return line.words().subList(1, line.words().size());
    }

    private String variable(String name) {
        return variables.containsKey(name) ? variables.get(name) : environment.get(name);
    }
}
