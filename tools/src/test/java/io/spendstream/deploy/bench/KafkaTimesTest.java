package io.spendstream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KafkaTimesTest {

    /** Lines as an app's endpoint writes them (KafkaMetricsBinder): one per stream thread or producer. */
    private static String scrape(double commits, double flushNs, double retries) {
        return String.join("\n",
                "# HELP kafka_stream_thread_commit_total The total number of calls to commit",
                "kafka_stream_thread_commit_total{application=\"a\",thread_id=\"t1\"} " + commits / 2,
                "kafka_stream_thread_commit_total{application=\"a\",thread_id=\"t2\"} " + commits / 2,
                "kafka_stream_thread_commit_latency_avg{application=\"a\",thread_id=\"t1\"} 58.9",
                "kafka_producer_flush_time_ns_total{client_id=\"t1-producer\"} " + flushNs,
                "kafka_producer_txn_send_offsets_time_ns_total{client_id=\"t1-producer\"} 2.0E8",
                "kafka_producer_txn_commit_time_ns_total{client_id=\"t1-producer\"} 1.0E8",
                "kafka_stream_thread_blocked_time_ns_total{thread_id=\"t1\"} 5.0E9",
                "kafka_producer_record_retry_total{client_id=\"t1-producer\"} " + retries);
    }

    @Test
    void shouldSumEachCounterOverItsThreadsAndProducers() {
        KafkaTimes times = KafkaTimes.parse(scrape(10, 7.0E8, 3));

        assertEquals(new KafkaTimes(10, 7.0E8, 2.0E8, 1.0E8, 5.0E9, 3), times);
    }

    @Test
    void shouldDescribeAStretchPerCommitFromTheDifferenceOfTwoReadings() {
        KafkaTimes before = KafkaTimes.parse(scrape(10, 1.0E8, 3));
        KafkaTimes after = KafkaTimes.parse(scrape(30, 9.0E8, 13)).minus(before);

        // 20 commits in 10 s; 800 ms of flush over them: 40 ms each. The other counters did not move.
        assertEquals("20 commits (2.0/s), per commit: flush 40 ms, offsets 0 ms, commit 0 ms; blocked on Kafka 0% "
                + "of the time; 10 records retried", after.describe(10));
    }

    @Test
    void shouldSayWhenTheEndpointWasNotRead() {
        assertTrue(KafkaTimes.UNKNOWN.minus(KafkaTimes.UNKNOWN).describe(15).startsWith("n/a"));
        assertTrue(Double.isNaN(KafkaTimes.parse("process_uptime_seconds 3.0").commits()));
    }
}
