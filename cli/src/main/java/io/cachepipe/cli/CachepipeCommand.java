package io.cachepipe.cli;

import io.cachepipe.cli.ops.AuditCommand;
import io.cachepipe.cli.ops.DbCommand;
import io.cachepipe.cli.ops.FlushCommand;
import io.cachepipe.cli.ops.OpenApiCommand;
import io.cachepipe.cli.ops.OpsFactory;
import io.cachepipe.cli.ops.RebuildCommand;
import io.cachepipe.cli.ops.ReplayCommand;
import io.cachepipe.cli.ops.ResnapshotCommand;
import io.cachepipe.cli.ops.RunCommand;
import io.cachepipe.cli.ops.SettingsLookup;
import io.cachepipe.cli.ops.StatsCommand;
import io.cachepipe.cli.ops.WarmCommand;
import io.cachepipe.core.config.Setting;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cachepipe} command: one subcommand per operator task. */
@Command(name = "cachepipe", mixinStandardHelpOptions = true, versionProvider = CachepipeCommand.Version.class,
        description = "Keeps a Redis cache consistent with PostgreSQL by reading the database's change log.",
        subcommands = {ConfigCommand.class, OpenApiCommand.class, RunCommand.class, AuditCommand.class, ReplayCommand.class, ResnapshotCommand.class,
                RebuildCommand.class, WarmCommand.class, FlushCommand.class, StatsCommand.class, DbCommand.class,
                CommandLine.HelpCommand.class})
public final class CachepipeCommand {

    /** The command line as {@code main} runs it (tests run the same). */
    public static CommandLine commandLine() {
        return commandLine(SettingsLookup.ofProcess(everySetting()));
    }

    /** The same command line, with operator commands looking for settings where {@code lookup} says. */
    public static CommandLine commandLine(SettingsLookup lookup) {
        return new CommandLine(new CachepipeCommand(), new OpsFactory(lookup)).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** Every setting any part reads (see {@link ConfigCommand#allSettings()}). */
    public static List<Setting<?>> everySetting() {
        return ConfigCommand.allSettings().values().stream().<Setting<?>>flatMap(List::stream).toList();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
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
