package io.cachepipe.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** How to run a {@link PartProcess}; {@link #start()} launches it. Made by {@link PartProcess#builder}. */
public final class PartProcessBuilder {
    private final String mainClass;
    private String name;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> arguments = new ArrayList<>();
    private List<String> jvmOptions = PartProcess.DEFAULT_JVM_OPTIONS;
    private int readyPort;
    private Path logDirectory = Path.of("target", "parts");
    private LongConsumer onStart = pid -> { };

    PartProcessBuilder(String mainClass) {
        this.mainClass = mainClass;
        this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    }

    /** Names the log file and appears in messages; the main class's simple name by default. Keep it unique. */
    public PartProcessBuilder name(String name) {
        this.name = name;
        return this;
    }

    /** Adds environment variables, such as {@code CACHEPIPE_POSTGRES_URL}. */
    public PartProcessBuilder environment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    public PartProcessBuilder environment(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    /** The port whose {@code /health/ready} {@link PartProcess#awaitReady} polls: the admin port, or the API port of ApiMain. */
    public PartProcessBuilder readyPort(int port) {
        this.readyPort = port;
        return this;
    }

    /** Replaces {@link PartProcess#DEFAULT_JVM_OPTIONS}. */
    public PartProcessBuilder jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    public PartProcessBuilder arguments(List<String> arguments) {
        this.arguments.addAll(arguments);
        return this;
    }

    /** Where {@code <name>.log} goes; {@code target/parts} by default. */
    public PartProcessBuilder logDirectory(Path directory) {
        this.logDirectory = directory;
        return this;
    }

    /** Called with the process id on every start, restarts included: to put the process in a cgroup, say. */
    public PartProcessBuilder onStart(LongConsumer action) {
        this.onStart = action;
        return this;
    }

    /** The process, not started yet: for a caller that starts several in its own order. */
    public PartProcess build() {
        return new PartProcess(name, ChildProcesses.javaCommand(jvmOptions, mainClass, arguments), environment, readyPort,
                logDirectory.resolve(name + ".log").toAbsolutePath(), onStart);
    }

    /** Launches the process; see {@link PartProcess#start()}. */
    public PartProcess start() {
        return build().start();
    }
}
