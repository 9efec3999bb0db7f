package io.cachepipe.cli.ops;

import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.config.SettingsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Where an operator command's settings come from. The sources of the processes apply
 * ({@code --set}, {@code -Dcachepipe.<key>}, {@code CACHEPIPE_*} variables, a file named by {@code -c} or
 * {@code CACHEPIPE_CONFIG}); when neither a file nor any setting of the environment names a system,
 * the command reads {@link SettingsFile#DEFAULT_LOCATION} under the working directory: the file a
 * {@code cachepipe demo} started there keeps up to date. {@code --set} values still win over it.
 *
 * @param known every setting, so that an unrelated variable ({@code CACHEPIPE_JAVA_OPTS}) does not count as one
 */
public record SettingsLookup(Map<String, String> environment, Properties systemProperties, Path workingDirectory,
                             List<Setting<?>> known) {
    public SettingsLookup {
        environment = Map.copyOf(environment);
        known = List.copyOf(known);
    }

    /** This process's environment, system properties and working directory. */
    public static SettingsLookup ofProcess(Collection<Setting<?>> known) {
        return new SettingsLookup(System.getenv(), System.getProperties(), Path.of("").toAbsolutePath(), List.copyOf(known));
    }

    /** How a file was chosen. */
    public enum Origin {
        OPTION("-c"),
        ENVIRONMENT(Settings.CONFIG_FILE_ENV),
        DEFAULT("found in " + SettingsFile.DEFAULT_DIRECTORY + "/, where cachepipe demo writes it");

        private final String description;

        Origin(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * The settings to use, and the file among them if there is one (null: environment and --set only).
     *
     * @param passedOver the default file, when there is one but settings in the environment kept it from being read
     */
    public record Found(Settings settings, @Nullable Path file, @Nullable Origin origin, @Nullable Path passedOver) {
        /** The line that says which file was used, or null when none was. */
        public @Nullable String announcement() {
            return file == null || origin == null ? null : "cachepipe: settings from " + file + " (" + origin.description() + ")";
        }

        /** What to tell someone whose settings are incomplete and came from no file. */
        public String whereSettingsComeFrom() {
            if (passedOver != null) {
                return "The settings file " + passedOver + " was not read because CACHEPIPE_* settings are set in the environment, "
                        + "which then name the system: unset them to use that file, or give -c " + passedOver + ".";
            }
            return "No settings file was given or found. Against a running `cachepipe demo`, run the command in the directory "
                    + "the demo was started in (it keeps " + SettingsFile.DEFAULT_LOCATION + " there), or use the line the demo "
                    + "printed: export " + Settings.CONFIG_FILE_ENV + "=<its data directory>/" + SettingsFile.NAME
                    + ". Otherwise give -c <file>, " + Settings.CONFIG_FILE_ENV + ", CACHEPIPE_* variables or --set key=value.";
        }
    }

    /** Chooses the settings file, if any, and builds the settings of one command run. */
    public Found find(@Nullable Path configOption, Map<String, String> overrides) {
        Settings settings = Settings.of(overrides, systemProperties, environment);
        Path named = configOption != null ? configOption : Settings.configFile(systemProperties, environment);
        if (named != null) {
            Path file = workingDirectory.resolve(named).normalize();
            return new Found(settings.withFile(file), file, configOption != null ? Origin.OPTION : Origin.ENVIRONMENT, null);
        }
        Path demos = workingDirectory.resolve(SettingsFile.DEFAULT_LOCATION).normalize();
        if (!Files.isRegularFile(demos)) {
            return new Found(settings, null, null, null);
        }
        return environmentNamesASystem() ? new Found(settings, null, null, demos)
                : new Found(settings.withFile(demos), demos, Origin.DEFAULT, null);
    }

    private boolean environmentNamesASystem() {
        return known.stream().anyMatch(setting -> Settings.setsItself(setting, systemProperties, environment));
    }
}
