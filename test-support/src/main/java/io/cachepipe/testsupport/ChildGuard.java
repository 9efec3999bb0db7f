package io.cachepipe.testsupport;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * The entry point of a {@link PartProcess} child: starts a thread that halts the JVM when standard
 * input reaches end of file and the parent process has exited, then runs the real main class.
 * Standard input is a pipe whose other end only the parent holds, so the kernel ends it when the
 * parent dies, SIGKILL included; without this a child of a killed test run keeps its ports, its
 * replication slot and a core busy.
 *
 * <p>Usage: {@code java -cp … io.cachepipe.testsupport.ChildGuard <main class> [arguments…]}
 */
public final class ChildGuard {
    /** The exit status of a child whose parent went away. */
    public static final int ORPHANED = 86;

    private ChildGuard() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ChildGuard <main class> [arguments...]");
            System.exit(2);
        }
        Thread.ofPlatform().daemon().name("cachepipe-parent-watch").start(ChildGuard::haltWhenParentGoes);
        Class<?> main = Class.forName(args[0]);
        MethodHandles.publicLookup().findStatic(main, "main", MethodType.methodType(void.class, String[].class))
                .invoke((Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void haltWhenParentGoes() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        try {
            while (System.in.read() >= 0) {
                // nothing is ever written; only end of file matters
            }
        } catch (IOException e) {
            // a broken pipe means the same as end of file
        }
        // Process.destroy() closes the pipe too, right after its SIGTERM: then the parent is alive and
        // the part is shutting down by its own hook, which must not be cut short.
        if (parent != null) {
            parent.onExit().join();
        }
        System.err.println("ChildGuard: parent process " + (parent == null ? "" : parent.pid() + " ") + "gone, halting");
        Runtime.getRuntime().halt(ORPHANED);
    }
}
