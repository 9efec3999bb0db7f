package io.cachepipe.demo;

import io.cachepipe.cli.CachepipeCommand;
import picocli.CommandLine;

/**
 * The {@code cachepipe} command of a checkout ({@code ./cachepipe}): the production CLI with {@code demo} and
 * {@code seed} added. The shipped image runs {@link CachepipeCommand} itself, without them.
 */
public final class DemoMain {
    private DemoMain() {
    }

    /** The production command line with the demo's commands. */
    public static CommandLine commandLine() {
        return CachepipeCommand.commandLine().addSubcommand(new DemoCommand()).addSubcommand(new SeedCommand());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
