package io.cachepipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * The log file of a {@link PartProcess}: every run appends its output after a line saying when it
 * started and with what command; the last lines go into failure messages.
 */
final class PartLog {
    private static final int TAIL_LINES = 40;

    private final Path file;

    PartLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Creates the directory if need be and appends the line that opens a run. */
    void starting(String name, List<String> command) throws IOException {
        Files.createDirectories(file.getParent());
        String shown = String.join(" ", command).replace(System.getProperty("java.class.path"), "<this JVM's class path>");
        Files.writeString(file, "---- " + Instant.now() + " starting " + name + ": " + shown + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
