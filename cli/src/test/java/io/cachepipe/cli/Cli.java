package io.cachepipe.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs the {@code cachepipe} command line in this JVM, as {@code main} does, and keeps what it printed. */
public final class Cli {
    private Cli() {
    }

    /** What one command printed, and how it exited. */
    public record Result(int exit, String out, String err) {
        public String text() {
            return out + err;
        }
    }

    public static Result run(CommandLine commandLine, List<String> args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    /** The command, with every setting given by {@code --set}: the strongest source, whatever the environment says. */
    public static Result run(Map<String, String> settings, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        settings.forEach((key, value) -> {
            all.add("--set");
            all.add(key + "=" + value);
        });
        return run(CachepipeCommand.commandLine(), all);
    }
}
