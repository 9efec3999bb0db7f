package io.cachepipe.core.change;

import java.util.HexFormat;

/**
 * The version of a cache write or invalidation: a position in the database's commit order, taken
 * from the WAL. Rendered as 16 hex digits so that Redis scripts compare versions exactly as
 * strings (Lua numbers are doubles and would lose LSN precision above 2^53).
 *
 * <p>A change event's version is the end LSN of the transaction committed just before its own, as
 * Debezium reports it in {@code source.sequence[0]}: strictly increasing from one transaction to the
 * next in stream (= commit) order, and lower than the commit of the event's own transaction. So a
 * value read after an invalidation of version V holds every transaction whose version is at most V.
 * {@code source.lsn} alone would not do: it is where the change was written, and concurrent
 * transactions interleave their changes in the WAL out of commit order.
 */
public record Version(long lsn) implements Comparable<Version> {
    public static final Version ZERO = new Version(0);
    private static final HexFormat HEX = HexFormat.of();

    public Version {
        if (lsn < 0) {
            throw new IllegalArgumentException("a version is a non-negative LSN, was " + lsn);
        }
    }

    public static Version parse(String text) {
        if (text.length() != 16) {
            throw new IllegalArgumentException("a version is 16 hex digits, was '" + text + "'");
        }
        return new Version(HexFormat.fromHexDigitsToLong(text));
    }

    /** PostgreSQL's text form of an LSN, {@code 16/B374D848}. */
    public static Version ofPgLsn(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN like 16/B374D848");
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return new Version(high << 32 | low);
    }

    public String hex() {
        return HEX.toHexDigits(lsn);
    }

    public String pgLsn() {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    public Version max(Version other) {
        return lsn >= other.lsn ? this : other;
    }

    public boolean isAfter(Version other) {
        return lsn > other.lsn;
    }

    @Override
    public int compareTo(Version other) {
        return Long.compare(lsn, other.lsn);
    }

    @Override
    public String toString() {
        return pgLsn();
    }
}
