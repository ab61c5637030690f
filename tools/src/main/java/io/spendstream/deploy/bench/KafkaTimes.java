package io.spendstream.deploy.bench;

import java.util.Locale;

/**
 * Where an app's stream thread spent a stretch of time, by Kafka's own counters (read from the app's Prometheus
 * endpoint): how many transactions it committed and, per commit, how long its transactional producer waited in
 * {@code flush} (every send of the transaction acknowledged, retries included: a first send to a partition whose
 * previous transaction's marker is not written yet is refused with {@code CONCURRENT_TRANSACTIONS} and retried after
 * the producer's backoff), in sending the consumed offsets to the transaction and in committing it; how much of the
 * stretch the thread was blocked on Kafka; how many records the producer retried. Read before and after a stretch
 * ({@link #minus}), it says why an app's hop took as long as it did: an exactly-once hop is visible downstream only
 * once its commit is done.
 */
record KafkaTimes(double commits, double flushNs, double sendOffsetsNs, double txnCommitNs, double blockedNs,
        double retries) {

    static final KafkaTimes UNKNOWN = new KafkaTimes(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN);

    private static final double NS_PER_MS = 1e6;

    /** Each counter summed over its label sets (one per stream thread, producer or topic). */
    static KafkaTimes parse(String prometheusText) {
        return new KafkaTimes(sum(prometheusText, "kafka_stream_thread_commit_total"),
                sum(prometheusText, "kafka_producer_flush_time_ns_total"),
                sum(prometheusText, "kafka_producer_txn_send_offsets_time_ns_total"),
                sum(prometheusText, "kafka_producer_txn_commit_time_ns_total"),
                sum(prometheusText, "kafka_stream_thread_blocked_time_ns_total"),
                sum(prometheusText, "kafka_producer_record_retry_total"));
    }

    KafkaTimes minus(KafkaTimes earlier) {
        return new KafkaTimes(commits - earlier.commits, flushNs - earlier.flushNs,
                sendOffsetsNs - earlier.sendOffsetsNs, txnCommitNs - earlier.txnCommitNs, blockedNs - earlier.blockedNs,
                retries - earlier.retries);
    }

    /** One line: commits per second and the producer's waits per commit over {@code seconds}. */
    String describe(double seconds) {
        if (Double.isNaN(commits)) {
            return "n/a (metrics endpoint not read)";
        }
        double perCommit = Math.max(1, commits);
        return String.format(Locale.ROOT, "%,.0f commits (%.1f/s), per commit: flush %.0f ms, offsets %.0f ms, "
                + "commit %.0f ms; blocked on Kafka %.0f%% of the time; %,.0f records retried", commits,
                commits / seconds, flushNs / perCommit / NS_PER_MS, sendOffsetsNs / perCommit / NS_PER_MS,
                txnCommitNs / perCommit / NS_PER_MS, 100 * blockedNs / (seconds * 1e9), retries);
    }

    private static double sum(String prometheusText, String name) {
        double total = 0;
        boolean found = false;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? total : Double.NaN;
    }
}
