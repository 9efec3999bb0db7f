package io.cachepipe.bench;

/**
 * What {@code bench pattern} measured ({@code pattern.json}): invalidating one group of keys through
 * its index, against {@code SCAN MATCH} + {@code DEL} of the same pattern, in one run on one Redis.
 * Latencies in milliseconds.
 */
record PatternReport(String date, long keys, int groupSize, int samples, int scanCount, double loadSeconds,
                     Report.Percentiles group, Report.Percentiles scan, double scanToGroupP50, double scanToGroupP99) {
}
