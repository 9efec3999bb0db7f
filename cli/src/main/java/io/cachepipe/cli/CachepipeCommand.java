package io.cachepipe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cachepipe} command: one subcommand per operator task. */
@Command(name = "cachepipe", mixinStandardHelpOptions = true, versionProvider = CachepipeCommand.Version.class,
        description = "Keeps a Redis cache consistent with PostgreSQL by reading the database's change log.",
        subcommands = {DemoCommand.class, SeedCommand.class, AuditCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class CachepipeCommand {

    public static void main(String[] args) {
        int exit = new CommandLine(new CachepipeCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
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
