package io.cachepipe.ops.rebuild;

/** Receives a long operation's progress; the command line draws it (a bar on a terminal, lines otherwise). */
@FunctionalInterface
public interface Progress {
    Progress NONE = (phase, done, total) -> { };

    /** {@code done} of {@code total} units of {@code phase}; {@code total} is 0 when unknown. */
    void update(String phase, long done, long total);
}
