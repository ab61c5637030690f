package io.spendstream.deploy.valuebench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import io.spendstream.attribution.AttributionApp;
import io.spendstream.avro.UnitCost;
import io.spendstream.deploy.tools.ProductionDriver;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spendstream value-bench}: the CPU the attribution app's value figures ({@code attribution-value-*} stores,
 * the processor that reads {@code spend.unit-cost} back) take per {@code spend.unit-cost} record, block by block of
 * event time, on the production topology over RocksDB ({@link ProductionDriver}), so that a cost growing with time or
 * state shows as figures rising from block to block (issue 18: attribution slowed down while it ran).
 *
 * <p>The workload is a backlog as the bench's attribution-alone phase sees it: each service's APM side moves {@code --apm-pace}
 * minutes per minute of its cost side, so it falls further behind and the windows wait unsettled (until both sides pass them, or
 * {@code max-wait} of wall-clock time; the driver's wall clock moves {@code --wall-per-minute} per minute of data).
 * Per minute and service: the new minute's window (cost only) and the windows the APM side reached (cost and APM). The figure is
 * the CPU time of the thread that drives the topology (the driver processes and commits each record in the calling
 * thread, RocksDB included), so a loaded machine changes it less than a rate. The driver commits after every record,
 * where a deployment commits every 100 ms: per-record state costs are what this measures, not the commit's.
 */
@Command(name = "value-bench", mixinStandardHelpOptions = true, description = "CPU per spend.unit-cost record of "
        + "attribution's value figures on the production topology, block by block of event time (does it grow?).")
public final class ValueBenchCommand implements Callable<Integer> {

    private static final Instant START = Instant.parse("2026-11-02T00:00:00Z");

    @Option(names = "--services", defaultValue = "100", description = "Services (default: ${DEFAULT-VALUE}).")
    int services;

    @Option(names = "--minutes", defaultValue = "600", description = "Minutes of event time (default: "
            + "${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--block", defaultValue = "60", description = "Minutes of event time per printed block "
            + "(default: ${DEFAULT-VALUE}).")
    int block;

    @Option(names = "--apm-pace", defaultValue = "0.5", description = "Minutes of APM data per minute of cost data "
            + "(below 1: the APM side falls further behind as the run goes on, as in a backlog where one path is "
            + "slower; default: ${DEFAULT-VALUE}).")
    double apmPace;

    @Option(names = "--wall-per-minute", defaultValue = "1s", description = "Wall-clock time the driver's clock "
            + "moves per minute of data (default: ${DEFAULT-VALUE}).")
    String wallPerMinute;

    @Option(names = "--data-dir", defaultValue = ".spendstream/value-bench", description = "State directory, "
            + "emptied first (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        Duration wallStep = Durations.parse(wallPerMinute);
        deleteRecursively(dataDir);
        String registryScope = "value-bench-" + UUID.randomUUID();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> perRecord = new ArrayList<>();
        try (ProductionDriver built = ProductionDriver.of(new AttributionApp(), dataDir, registryScope, Map.of(),
                START)) {
            TopologyTestDriver driver = built.driver();
            TestInputTopic<String, UnitCost> unitCost = driver.createInputTopic(built.topics().unitCost.name(),
                    built.topics().unitCost.keySerde().serializer(), built.topics().unitCost.valueSerde().serializer());
            out.printf(Locale.ROOT, "value-bench: %d services, %d minutes (blocks of %d), APM at %.2f minutes per minute of "
                    + "cost, wall clock %s per minute%n", services, minutes, block, apmPace, wallPerMinute);
            for (int from = 0; from < minutes; from += block) {
                int to = Math.min(minutes, from + block);
                long records = 0;
                long cpu = threads.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                for (int minute = from; minute < to; minute++) {
                    for (int s = 0; s < services; s++) {
                        String service = "svc-" + s;
                        unitCost.pipeInput(service, window(service, minute, false), START.plusSeconds(60L * minute));
                        records++;
                        for (int apm = apmMinute(minute - 1) + 1; apm <= apmMinute(minute); apm++) {
                            unitCost.pipeInput(service, window(service, apm, true), START.plusSeconds(60L * minute));
                            records++;
                        }
                    }
                    driver.advanceWallClockTime(wallStep);
                }
                double cpuUs = (threads.getCurrentThreadCpuTime() - cpu) / 1_000.0 / records;
                double wallUs = (System.nanoTime() - wall) / 1_000.0 / records;
                perRecord.add(cpuUs);
                long outputs = drain(driver);
                out.printf(Locale.ROOT, "  minutes %5d-%5d  %,9d records  CPU %7.1f us/record  wall %7.1f us/record"
                        + "  (%,d output records)%n", from, to - 1, records, cpuUs, wallUs, outputs);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(registryScope);
        }
        double first = perRecord.get(0);
        double last = perRecord.get(perRecord.size() - 1);
        out.printf(Locale.ROOT, "CPU per record: first block %.1f us, last block %.1f us (last / first %.2f)%n",
                first, last, last / first);
        return 0;
    }

    /** The newest minute the APM side has reached when the cost side is at {@code minute} (-1: none). */
    private int apmMinute(int minute) {
        return minute < 0 ? -1 : (int) Math.floor(minute * apmPace);
    }

    /** The minute's window of a service: cost always; APM when the lagging side has reached it. */
    private static UnitCost window(String service, int minute, boolean withApm) {
        Instant start = START.plus(Duration.ofMinutes(minute));
        BigDecimal cost = new BigDecimal("0.50");
        long requests = withApm ? 1_000 : 0;
        BigDecimal revenue = withApm ? new BigDecimal("40.00") : Money.ZERO;
        return UnitCost.newBuilder().setService(service).setWindowStart(start)
                .setWindowEnd(start.plus(Duration.ofMinutes(1))).setWindowSize("PT1M").setCurrency("USD")
                .setCost(Money.of(cost)).setRequests(requests).setErrors(0).setLatencyP95Ms(withApm ? 300.0 : null)
                .setConversionCount(withApm ? 1 : 0).setRevenue(Money.of(revenue))
                .setMargin(Money.of(revenue.subtract(cost))).setCostRecords(1).setApmRecords(withApm ? 1 : 0)
                .setTeam("team-" + service.hashCode() % 50).build();
    }

    /** Reads and drops every output (changelogs included) so the driver does not keep them. */
    private static long drain(TopologyTestDriver driver) {
        long count = 0;
        for (String topic : driver.producedTopicNames()) {
            count += driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList().size();
        }
        return count;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
