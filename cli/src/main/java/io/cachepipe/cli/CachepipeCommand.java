package io.cachepipe.cli;

import io.cachepipe.cli.ops.FlushCommand;
import io.cachepipe.cli.ops.RebuildCommand;
import io.cachepipe.cli.ops.ReplayCommand;
import io.cachepipe.cli.ops.StatsCommand;
import io.cachepipe.cli.ops.WarmCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cachepipe} command: one subcommand per operator task. */
@Command(name = "cachepipe", mixinStandardHelpOptions = true, versionProvider = CachepipeCommand.Version.class,
        description = "Keeps a Redis cache consistent with PostgreSQL by reading the database's change log.",
        subcommands = {DemoCommand.class, SeedCommand.class, ConfigCommand.class, AuditCommand.class, ReplayCommand.class,
                RebuildCommand.class, WarmCommand.class, FlushCommand.class, StatsCommand.class, CommandLine.HelpCommand.class})
public final class CachepipeCommand {

    /** The command line as {@code main} runs it (tests run the same). */
    public static CommandLine commandLine() {
        return new CommandLine(new CachepipeCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        if (exit != 0 || !DemoCommand.isRunning()) {
            System.exit(exit);
        }
    }

    /** Prints the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CachepipeCommand.class.getPackage().getImplementationVersion();
            return new String[] {"cachepipe " + (version == null ? "(development build)" : version)};
        }
    }
}
