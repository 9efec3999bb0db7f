package io.cachepipe.cli.ops;

import picocli.CommandLine;

/**
 * Creates the commands of the {@code cachepipe} command line, telling each operator command where
 * to look for settings: the process's own sources in {@code main}, stand-ins in tests.
 */
public final class OpsFactory implements CommandLine.IFactory {
    private final CommandLine.IFactory defaults = CommandLine.defaultFactory();
    private final SettingsLookup lookup;

    public OpsFactory(SettingsLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        K created = defaults.create(type);
        if (created instanceof OpsCommand command) {
            command.lookup = lookup;
        }
        return created;
    }
}
