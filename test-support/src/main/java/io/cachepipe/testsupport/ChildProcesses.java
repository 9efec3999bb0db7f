package io.cachepipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operating-system side of {@link PartProcess}: the command line of a child JVM (this JVM's java
 * binary and class path, the main class run under {@link ChildGuard}), launching it with a clean
 * cachepipe environment and its output appended to a log, signalling it, and the children still
 * running, which a shutdown hook kills when this JVM exits.
 */
final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "cachepipe-part-processes-kill"));
    }

    private ChildProcesses() {
    }

    /** {@code java <jvmOptions> -cp <this class path> ChildGuard <mainClass> <arguments>}. */
    static List<String> javaCommand(List<String> jvmOptions, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildGuard.class.getName());
        command.add(mainClass);
        command.addAll(arguments);
        return List.copyOf(command);
    }

    /**
     * Starts {@code command} with this process's environment minus every {@code CACHEPIPE_*} and
     * {@code CACHE_ENABLED} variable, plus {@code environment}; its output and errors are appended to {@code log}.
     */
    static Process launch(List<String> command, Map<String, String> environment, Path log) throws IOException {
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("CACHEPIPE_") || key.equals("CACHE_ENABLED"));
        builder.environment().putAll(environment);
        Process started = builder.start();
        LIVE.add(started);
        return started;
    }

    /** The process exited: the shutdown hook need not kill it. */
    static void forget(Process exited) {
        LIVE.remove(exited);
    }

    /** {@code kill -<signal> <pid>}; {@code name} is the part's, for messages. */
    static void signal(long pid, String signal, String name) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " (" + name + ") exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted signalling " + name, e);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
