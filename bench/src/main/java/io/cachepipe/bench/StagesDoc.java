package io.cachepipe.bench;

import static io.cachepipe.bench.Markdown.fmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The stages report as people read it: the cost-model section of docs/benchmarks.md, and the table
 * {@code bench stages} prints, both from one list of cells so the two never disagree.
 */
final class StagesDoc {
    static final List<String> HEADER = List.of("stage", "work in window", "seconds", "per second", "CPU µs per unit",
            "CPU µs per change", "process CPU (cores)", "machine busy", "limited by");
    static final List<String> DETAIL_HEADER = List.of("stage", "JIT CPU s", "start s", "Redis commands per unit", "Kafka broker + bench (cores)",
            "PostgreSQL (cores)", "Redis (cores)", "other work (cores)", "also");

    private StagesDoc() {
    }

    /** The main table: one row per stage. */
    static List<List<String>> rows(StagesReport report) {
        List<List<String>> rows = new ArrayList<>();
        for (StagesReport.Stage stage : report.stages()) {
            rows.add(List.of(stage.name(), fmt("%,d %s", stage.items(), stage.unit()), fmt("%.2f", stage.seconds()),
                    fmt("%,.0f %s/s", stage.perSecond(), stage.unit()), fmt("%.1f", stage.cpuMicrosPerItem()),
                    stage.itemsPerChange() > 0 ? fmt("%.1f", stage.cpuMicrosPerChange()) : "–", fmt("%.2f", stage.processCores()),
                    fmt("%.0f%%", 100 * stage.machineBusy()), stage.limitedBy(report.meta().cores())));
        }
        return rows;
    }

    /** What else each stage did and who else was busy: JIT, start, Redis commands, the servers' CPU, its counts. */
    static List<List<String>> details(StagesReport report) {
        List<List<String>> rows = new ArrayList<>();
        for (StagesReport.Stage stage : report.stages()) {
            Map<String, Double> stack = stage.stackCores();
            rows.add(List.of(stage.name(), fmt("%.2f", stage.jitSeconds()), fmt("%.2f", stage.startSeconds()),
                    commandsPerUnit(stage, report.backlog()), cores(stack, StackCpu.KAFKA), cores(stack, StackCpu.POSTGRES),
                    cores(stack, StackCpu.REDIS), fmt("%.2f", stage.otherCores(report.meta().cores())), stage.counts().entrySet().stream()
                            .map(count -> fmt("%s %,d", count.getKey(), count.getValue())).collect(Collectors.joining(", "))));
        }
        return rows;
    }

    /**
     * Redis commands per unit of work, in all and the three most called. They are counted from the
     * thaw, so over the stage's whole backlog (a pipeline stage's units per change times the changes),
     * not over the window alone.
     */
    static String commandsPerUnit(StagesReport.Stage stage, long backlog) {
        double units = stage.itemsPerChange() > 0 ? stage.itemsPerChange() * backlog : stage.items();
        return RedisProbe.perUnit(stage.redisCalls(), units);
    }

    private static String cores(Map<String, Double> stack, String server) {
        Double cores = stack.get(server);
        return cores == null ? "–" : fmt("%.2f", cores);
    }

    /**
     * Each stage's rate and CPU per change in a run kept from before a change to the pipeline
     * ({@code stages-before.json}) and in this one. Two runs, not one: the code under test differs.
     */
    static String comparison(StagesReport before, StagesReport after) {
        var md = new StringBuilder();
        md.append(fmt("### Before and after%n%nThe same benchmark on the code before the batched pipeline (commit `%s`, %s, a backlog of %,d "
                + "changes) and in the run above (commit `%s`): each stage's rate and CPU per change of the backlog.%n%n",
                before.meta().commit(), before.meta().date().substring(0, 10), before.backlog(), after.meta().commit()));
        List<List<String>> rows = new ArrayList<>();
        for (StagesReport.Stage now : after.stages()) {
            StagesReport.Stage then = before.stages().stream().filter(stage -> stage.name().equals(now.name())).findFirst().orElse(null);
            if (then == null || now.cpuMicrosPerChange() == 0 && then.cpuMicrosPerChange() == 0) {
                continue;
            }
            rows.add(List.of(now.name(), fmt("%,.0f %s/s", then.perSecond(), then.unit()), fmt("%,.0f %s/s", now.perSecond(), now.unit()),
                    fmt("%.1f", then.cpuMicrosPerChange()), fmt("%.1f", now.cpuMicrosPerChange()),
                    fmt("%.1fx", then.cpuMicrosPerChange() / Math.max(1e-9, now.cpuMicrosPerChange()))));
        }
        table(md, List.of("stage", "rate before", "rate after", "CPU µs per change before", "after", "CPU saved"), rows);
        md.append("\n");
        return md.toString();
    }

    /** The section of docs/benchmarks.md. */
    static String markdown(StagesReport report) {
        var md = new StringBuilder();
        md.append("## Cost per stage\n\n");
        md.append(fmt("Each stage of the pipeline alone on a backlog, as separate processes (one cdc-capture, one invalidator, one warmer) "
                + "on the demo catalog (%,d products in %,d categories) whose every key was read once, so that changes hit cached keys. "
                + "%,d changes are written in 100-row transactions (`UPDATE products SET stock = stock + 1 ... WHERE id BETWEEN ? AND ?`) "
                + "while all three are frozen (SIGSTOP; PostgreSQL keeps the WAL for the slot); then cdc-capture is thawed alone until the "
                + "change topics grew by as many records, the invalidator alone until its own `cachepipe_invalidator_changes_total` grew "
                + "by as many, the warmer alone until its group's committed offsets reached the warm topic's end. A window opens at the "
                + "stage's first progress after the thaw (*start*: rejoining its group, reconnecting) and closes when the backlog is through. "
                + "%d quarter-size drain(s) ran before, to warm the processes up (until every stage's JIT settled, at most %d).%n%n",
                report.products(), report.categories(), report.backlog(), report.warmUpRounds(), DrainRounds.MAX_WARM_UPS));
        md.append("*CPU* is the stage's own process (`utime+stime` from `/proc/<pid>/stat`), *machine busy* the share of all cores in use "
                + "meanwhile: a stage limited by *the machine* shared two cores with Kafka, PostgreSQL and Redis, one limited by *its own CPU* "
                + "kept a core busy, and one *waiting* did neither. Then the pipeline stops, Redis is emptied and `cachepipe rebuild` runs "
                + "as an operator runs it (its own JVM: CPU and JIT over its whole life, rate over its own reported time), followed by as many "
                + "keys with values of the sizes it left written by pipelined `SET` from the bench (Lettuce, many commands in flight), in "
                + "passes over them for at least two seconds. A rebuild is counted in the keys it left in the cache: the topics hold "
                + "every change of a row until compaction runs, so it reads several records per key, and those reads are its own cost.\n\n");
        table(md, HEADER, rows(report));
        StagesReport.Stage rebuild = report.stage(StagesReport.REBUILD);
        StagesReport.Stage set = report.stage(StagesReport.PIPELINED_SET);
        md.append(fmt("%nRebuild / pipelined SET in this run: **%.2f** (%,.0f keys/s against %,.0f keys/s).%n%n", report.rebuildToSet(),
                rebuild.perSecond(), set.perSecond()));
        for (StagesReport.Stage stage : report.stages()) {
            if (stage.jitSeconds() > 0.1 * stage.cpuSeconds()) {
                md.append(fmt("- **%s was still compiling**: its JIT compiler threads used %.2f of its %.2f CPU seconds (%.0f%%), "
                        + "which its CPU per unit includes.%n", stage.name(), stage.jitSeconds(), stage.cpuSeconds(),
                        100 * stage.jitSeconds() / stage.cpuSeconds()));
            }
        }
        md.append('\n');
        table(md, DETAIL_HEADER, details(report));
        md.append("\nRedis commands per unit count from the thaw over the stage's whole backlog (`INFO commandstats`; commands a script "
                + "calls count too); the servers' cores are over the window.\n\n");
        return md.toString();
    }

    /** The main table in fixed-width columns, for the console. */
    static String text(StagesReport report) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        rows.addAll(rows(report));
        int[] widths = new int[HEADER.size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        var text = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                text.append(i == 0 || i == row.size() - 1 ? cell + " ".repeat(widths[i] - cell.length()) : " ".repeat(widths[i] - cell.length()) + cell);
                text.append(i == row.size() - 1 ? "\n" : "  ");
            }
        }
        text.append(fmt("rebuild / pipelined SET: %.2f%n", report.rebuildToSet()));
        return text.toString();
    }

    private static void table(StringBuilder md, List<String> header, List<List<String>> rows) {
        md.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            md.append(i == 0 || i == header.size() - 1 ? " --- |" : " ---: |");
        }
        md.append('\n');
        rows.forEach(row -> md.append("| ").append(String.join(" | ", row)).append(" |\n"));
    }
}
