package io.cachepipe.core.change;

/**
 * Reads Debezium's {@code source.sequence} in the one form it writes, {@code ["<lsn>","<lsn>"]} with
 * either element possibly {@code null}, without building a JSON tree: every change carries one, and a
 * tree per change was a tenth of the envelope's parse. Anything else is left to the JSON reader, which
 * says what is wrong with it.
 */
final class SequenceText {
    private SequenceText() {
    }

    /**
     * Fills {@code positions} with the first two elements (0 for {@code null}); false, with
     * {@code positions} untouched, if {@code text} is not exactly an array of quoted digits and nulls.
     */
    static boolean read(String text, long[] positions) {
        long[] read = new long[positions.length];
        int at = skipSpaces(text, 0);
        if (at >= text.length() || text.charAt(at) != '[') {
            return false;
        }
        at = skipSpaces(text, at + 1);
        int element = 0;
        if (at < text.length() && text.charAt(at) == ']') {
            return closed(text, at, read, positions);
        }
        while (at < text.length()) {
            long value;
            if (text.startsWith("null", at)) {
                value = 0;
                at += 4;
            } else if (text.charAt(at) == '"') {
                int end = text.indexOf('"', at + 1);
                if (end < 0 || end == at + 1 || end - at - 1 > 18) {
                    return false;
                }
                value = 0;
                for (int i = at + 1; i < end; i++) {
                    char c = text.charAt(i);
                    if (c < '0' || c > '9') {
                        return false;
                    }
                    value = value * 10 + (c - '0');
                }
                at = end + 1;
            } else {
                return false;
            }
            if (element < read.length) {
                read[element] = value;
            }
            element++;
            at = skipSpaces(text, at);
            if (at < text.length() && text.charAt(at) == ',') {
                at = skipSpaces(text, at + 1);
            } else if (at < text.length() && text.charAt(at) == ']') {
                return closed(text, at, read, positions);
            } else {
                return false;
            }
        }
        return false;
    }

    /** The array closes at {@code at}: true, and {@code read} copied out, if nothing but spaces follows. */
    private static boolean closed(String text, int at, long[] read, long[] positions) {
        if (skipSpaces(text, at + 1) != text.length()) {
            return false;
        }
        System.arraycopy(read, 0, positions, 0, positions.length);
        return true;
    }

    private static int skipSpaces(String text, int from) {
        int at = from;
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }
}
