package io.cachepipe.core.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of a running cachepipe, written where operator commands find them: a YAML file of
 * dotted keys that {@link Settings#withFile} reads back as written. {@code cachepipe demo} writes one
 * in its data directory (a {@code cachepipe run} can do the same), and the operator commands read
 * {@link #DEFAULT_LOCATION} when they are given no settings of their own.
 *
 * <p>The file holds what a client needs to connect, the database password included, so it is
 * created readable and writable by its owner only (POSIX {@code rw-------}) before a byte is written,
 * and then moved over the previous one in one step: a reader never sees half a file. On a file
 * system without POSIX permissions (Windows) it inherits its directory's access rules.
 */
public final class SettingsFile {
    public static final String NAME = "cachepipe.settings";
    /** Where {@code cachepipe demo} keeps its data by default, relative to the working directory. */
    public static final Path DEFAULT_DIRECTORY = Path.of(".cachepipe");
    /** Where operator commands look when given no settings: {@code .cachepipe/cachepipe.settings}. */
    public static final Path DEFAULT_LOCATION = DEFAULT_DIRECTORY.resolve(NAME);

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SettingsFile() {
    }

    /**
     * Writes {@code values} (setting key to value, secrets in clear) to {@value #NAME} in {@code directory}.
     *
     * @param writer who wrote it, for the file's header, e.g. {@code "cachepipe demo"}
     * @return the file's absolute path
     */
    public static Path write(Path directory, Map<String, String> values, String writer) throws IOException {
        Path dir = directory.toAbsolutePath();
        Files.createDirectories(dir);
        Path target = dir.resolve(NAME);
        Path temporary = Files.createTempFile(dir, NAME + ".", ".tmp", ownerOnly());
        try {
            Files.writeString(temporary, text(target, values, writer), StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return target;
    }

    private static String text(Path target, Map<String, String> values, String writer) throws IOException {
        var yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
        return "# cachepipe settings, written by " + writer + " at " + Instant.now() + ".\n"
                + "# Operator commands run from the directory that holds .cachepipe/ read this file on their own;\n"
                + "# from anywhere else: export " + Settings.CONFIG_FILE_ENV + "=" + target + "\n"
                + "# It holds the database password: keep it readable by its owner only.\n"
                + yaml.writeValueAsString(new TreeMap<>(values));
    }

    private static FileAttribute<?>[] ownerOnly() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }
}
