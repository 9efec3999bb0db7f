package io.cachepipe.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command blocks of the documentation, read from the documents themselves, so that the tests
 * run exactly what an operator reads and the two cannot drift. A block is a fenced {@code bash}
 * block right after a marker line {@code <!-- runbook: <name> -->}; lines ending in a backslash
 * continue on the next.
 */
final class Runbook {
    /** The repository, seen from the cli module where the tests run. */
    static final Path ROOT = Path.of("..");
    static final String OPERATIONS = "docs/operations.md";
    static final String README = "README.md";

    private static final Pattern MARKER = Pattern.compile("^<!--\\s*runbook:\\s*([a-z0-9-]+)\\s*-->\\s*$");

    private Runbook() {
    }

    /** The lines of one marked block of a document (path from the repository root). */
    static List<String> block(String document, String name) {
        List<String> lines = blocks(document).get(name);
        if (lines == null) {
            throw new IllegalArgumentException(document + " has no block marked <!-- runbook: " + name + " -->");
        }
        return lines;
    }

    /** Every marked block of a document, by name, in document order. */
    static Map<String, List<String>> blocks(String document) {
        List<String> lines = read(document);
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (!marker.matches()) {
                continue;
            }
            String name = marker.group(1);
            int fence = i + 1;
            while (fence < lines.size() && lines.get(fence).isBlank()) {
                fence++;
            }
            if (fence >= lines.size() || !lines.get(fence).strip().equals("```bash")) {
                throw new IllegalStateException(document + ":" + (i + 1) + ": the marker " + name + " is not followed by a ```bash block");
            }
            List<String> block = new ArrayList<>();
            int line = fence + 1;
            for (; line < lines.size() && !lines.get(line).strip().equals("```"); line++) {
                block.add(lines.get(line));
            }
            if (line >= lines.size()) {
                throw new IllegalStateException(document + ":" + (fence + 1) + ": the block " + name + " is not closed");
            }
            if (blocks.put(name, joinContinuations(block)) != null) {
                throw new IllegalStateException(document + ": two blocks are marked " + name);
            }
            i = line;
        }
        return blocks;
    }

    /** The contents of every fenced {@code bash} block of a document, marked or not. */
    static List<String> bashBlocks(String document) {
        List<String> lines = read(document);
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : lines) {
            if (current == null && line.strip().equals("```bash")) {
                current = new StringBuilder();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static List<String> joinContinuations(List<String> lines) {
        List<String> joined = new ArrayList<>();
        var pending = new StringBuilder();
        for (String line : lines) {
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
            } else {
                joined.add(pending.append(line).toString());
                pending.setLength(0);
            }
        }
        if (!pending.isEmpty()) {
            joined.add(pending.toString());
        }
        return joined;
    }

    private static List<String> read(String document) {
        try {
            return Files.readAllLines(ROOT.resolve(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
