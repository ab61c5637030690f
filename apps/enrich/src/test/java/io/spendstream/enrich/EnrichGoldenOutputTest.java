package io.spendstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Meter;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.serde.ConfluentWireFormat;

/**
 * The enrich app's outputs, byte for byte, for a fixed mix of inputs, against the outputs the app wrote for the same
 * inputs before its cost path stopped decoding and re-encoding every line (issue 18; {@value #GOLDEN}, written at
 * 39c6e7a). A change that makes enrich faster must not change what it writes: every {@code spend.cost.attributed}
 * record (key, value, timestamp and headers), every dead letter (reason, processor, source coordinates, message and
 * raw bytes; not its {@code failedAt}, the wall clock) and the attribution meters.
 *
 * <p>The inputs: tags of every kind (full owner, service without team, team without service, shared infrastructure,
 * versions over time with {@code validFrom}, tombstones, tags sent again, bad tag JSON); cost lines on tagged and
 * untagged resources, without a ResourceId, with FOCUS tags, provider-split rows (with and without AllocatedTags),
 * credits, lines with optional columns missing; cost tombstones; lines written with an older {@code CostRecord}
 * schema (a FOCUS 1.2 producer, without the 1.3 columns) and with a schema that differs from the app's only in its
 * doc (another id, the same layout); and bad records on {@code spend.cost}: not Confluent-framed, an unknown schema
 * id, a truncated record, a record with bytes after its end. Once without a join grace period and once with one.
 *
 * <p>To write the file anew (only when an output change is intended, and say so in the commit):
 * {@code mvn -pl apps/enrich test -Dtest=EnrichGoldenOutputTest -Denrich.golden.write=true}.
 */
class EnrichGoldenOutputTest {

    static final String GOLDEN = "src/test/resources/golden/enrich-outputs.txt";
    /** Read from the module's sources (surefire runs in the module's directory), where the switch writes it. */
    private static final Path SOURCE = Path.of(GOLDEN);
    private static final HexFormat HEX = HexFormat.of();
    private static final Instant T0 = TopologyFixture.START.minus(Duration.ofHours(4));
    private static final int RESOURCES = 60;

    @Test
    void shouldWriteTheSameBytesAsBeforeForEveryAttributedLineDeadLetterAndMeter() throws IOException {
        List<String> actual = new ArrayList<>();
        actual.add("# no join grace");
        actual.addAll(run(Map.of()));
        actual.add("# join grace 10 minutes");
        actual.addAll(run(Map.of(EnrichSettings.JOIN_GRACE, "10m")));
        if (Boolean.getBoolean("enrich.golden.write")) {
            Files.createDirectories(SOURCE.getParent());
            Files.write(SOURCE, actual, StandardCharsets.UTF_8);
        }
        List<String> expected = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
        assertThat(actual).as("outputs, dead letters and meters (%d lines)", expected.size()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("output line %d", i + 1).isEqualTo(expected.get(i));
        }
    }

    private static List<String> run(Map<String, String> settings) throws IOException {
        try (TopologyFixture fixture = TopologyFixture.of(new EnrichApp(), settings)) {
            tags(fixture.input(fixture.topics().tags));
            costs(fixture);
            badCostRecords(fixture);
            // Moves stream time past the grace period, so that buffered lines are joined and written.
            Instant last = TopologyFixture.START.plus(Duration.ofHours(1));
            fixture.input(fixture.topics().cost).pipeInput("last", cost(99_999, "res-01", last, new Random(7)), last);
            return outputs(fixture);
        }
    }

    /**
     * Six kinds of resource by {@code r % 6}: untagged, a full owner, a service without team, shared
     * infrastructure, an owner that changes over time (versions with validFrom, a tombstone, tags sent again) and a
     * team without service. Then a few tag records that do not parse.
     */
    private static void tags(TestInputTopic<String, byte[]> tags) {
        for (int r = 0; r < RESOURCES; r++) {
            String id = resource(r);
            switch (r % 6) {
                case 1 -> tag(tags, id, "{\"service\":\"svc-" + r % 9 + "\",\"team\":\"team-" + r % 4
                        + "\",\"product\":\"prod-" + r % 3 + "\",\"environment\":\"prod\",\"costCenter\":\"CC-"
                        + r + "\"}", T0.minus(Duration.ofHours(1)));
                case 2 -> tag(tags, id, "{\"service\":\"svc-" + r % 9 + "\"}", T0.minus(Duration.ofHours(1)));
                case 3 -> tag(tags, id, "{\"service\":\"platform-" + r % 2 + "\",\"team\":\"platform\","
                        + "\"shared\":true}", T0.minus(Duration.ofHours(1)));
                case 4 -> {
                    tag(tags, id, "{\"service\":\"svc-a" + r + "\",\"team\":\"team-a\",\"validFrom\":\""
                            + T0 + "\"}", T0);
                    tag(tags, id, "{\"service\":\"svc-b" + r + "\",\"team\":\"team-b\",\"validFrom\":\""
                            + T0.plus(Duration.ofMinutes(70)) + "\"}", T0.plus(Duration.ofMinutes(80)));
                    tags.pipeInput(id, null, T0.plus(Duration.ofMinutes(150)));
                    tag(tags, id, "{\"service\":\"svc-c" + r + "\",\"team\":\"team-c\"}",
                            T0.plus(Duration.ofMinutes(200)));
                }
                case 5 -> tag(tags, id, "{\"team\":\"team-" + r % 4 + "\",\"environment\":\"dev\"}",
                        T0.minus(Duration.ofHours(1)));
                default -> {
                }
            }
        }
        tag(tags, resource(0), "{not json", T0);
        tag(tags, resource(6), "{\"service\":42}", T0);
        tag(tags, resource(12), "{\"service\":\"x\",\"validFrom\":\"yesterday\"}", T0);
    }

    private static void tag(TestInputTopic<String, byte[]> tags, String resourceId, String json, Instant at) {
        tags.pipeInput(resourceId, json.getBytes(StandardCharsets.UTF_8), at);
    }

    /**
     * 1,200 cost lines over four hours, in event-time order with some late ones, each at its ChargePeriodStart as
     * ingest writes them; every 7th written with the FOCUS 1.2 schema, every 11th with the doc-only variant, and a
     * tombstone after every 50th.
     */
    private static void costs(TopologyFixture fixture) throws IOException {
        SpendstreamTopics topics = fixture.topics();
        TestInputTopic<String, CostRecord> costs = fixture.input(topics.cost);
        TestInputTopic<String, byte[]> raw = rawCosts(fixture);
        Schema focus12 = olderCostSchema();
        Schema otherDoc = otherDocCostSchema();
        int focus12Id = topics.registry().register(topics.cost.name() + "-value", focus12);
        int otherDocId = topics.registry().register(topics.cost.name() + "-value", otherDoc);
        Random random = new Random(18);
        for (int i = 0; i < 1_200; i++) {
            Instant at = T0.plus(Duration.ofMinutes(i / 5)).minus(Duration.ofMinutes(i % 13 == 0 ? 45 : 0));
            CostRecord cost = asAvroReadsIt(topics, cost(i, resource(random.nextInt(RESOURCES)), at, random));
            String key = "charge-" + i;
            if (i % 7 == 3) {
                raw.pipeInput(key, framed(focus12Id, focus12, cost), at);
            } else if (i % 11 == 5) {
                raw.pipeInput(key, framed(otherDocId, otherDoc, cost), at);
            } else {
                costs.pipeInput(key, cost, at);
            }
            if (i % 50 == 49) {
                costs.pipeInput(key, null, at);
            }
        }
    }

    /**
     * The record as Avro's reader builds it, its maps in the order of the HashMaps it reads them into: the order the
     * app wrote them in when it decoded and re-encoded every line, so that the file written then holds for an app
     * that forwards the producer's bytes as they are (a producer's own map order is as valid, but other bytes).
     */
    private static CostRecord asAvroReadsIt(SpendstreamTopics topics, CostRecord cost) {
        String topic = topics.cost.name();
        return topics.cost.valueSerde().deserializer().deserialize(topic,
                topics.cost.valueSerde().serializer().serialize(topic, cost));
    }

    /** One line of ten kinds by {@code i % 10}, its optional columns set or not at random. */
    private static CostRecord cost(int i, String resourceId, Instant at, Random random) {
        BigDecimal amount = BigDecimal.valueOf(random.nextInt(2_000_000) - (i % 9 == 0 ? 1_500_000 : 0),
                random.nextInt(7));
        CostRecord.Builder builder = CostRecord.newBuilder()
                .setChargeId("charge-" + i)
                .setRevision(1 + i % 3)
                .setChargePeriodStart(at)
                .setChargePeriodEnd(at.plus(Duration.ofHours(1)))
                .setEffectiveCost(Money.of(amount))
                .setBilledCost(i % 4 == 0 ? null : Money.of(amount))
                .setListCost(i % 5 == 0 ? Money.of(amount.multiply(new BigDecimal("1.25"))) : null)
                .setCurrency("USD")
                .setOriginalEffectiveCost(Money.of(amount))
                .setOriginalCurrency(i % 8 == 0 ? "EUR" : "USD")
                .setCostSource(i % 6 == 0 ? "metered" : "billing")
                .setChargeCategory("Usage")
                .setProviderName("AWS")
                .setServiceName("Amazon Elastic Compute Cloud")
                .setResourceId(resourceId)
                .setResourceName(i % 3 == 0 ? null : "name of " + resourceId)
                .setSkuId("sku-" + i % 40)
                .setSkuPriceId(i % 2 == 0 ? "price-" + i % 40 : null)
                .setRegionId("eu-west-1")
                .setPricingQuantity(i % 3 == 1 ? Money.of(BigDecimal.valueOf(random.nextInt(10_000), 2)) : null)
                .setPricingUnit("Hours")
                .setExtensions(i % 4 == 1 ? map("x_Project", "p-" + i % 3, "x_Émoji", "☁️") : Map.of());
        switch (i % 10) {
            case 0 -> builder.setResourceId(null).setTags(map("service", "svc-tag-" + i % 5, "team", "t-" + i % 2));
            case 1 -> builder.setResourceId(null);
            case 2 -> builder.setResourceId("cluster-" + i % 3).setTags(map("shared", "true"))
                    .setProviderSplit(true)
                    .setAllocatedMethodId("CPU-MEMORY-RATIO")
                    .setAllocatedMethodDetails("{\"AllocatedRatio\":0.25}")
                    .setAllocatedResourceId(resource(random.nextInt(RESOURCES)))
                    .setAllocatedResourceName("namespace")
                    .setAllocatedTags(i % 20 == 2 ? map("application", "split-app", "owner", "split-team")
                            : Map.of());
            case 3 -> builder.setTags(map("app", "focus-app-" + i % 4, "Owner", "focus-team"));
            case 4 -> builder.setResourceId(" ");
            case 5 -> builder.setTags(map("env", "staging", "cost_center", "CC-9"))
                    .setCommitmentDiscountId("cd-1").setCommitmentDiscountStatus("Used")
                    .setContractApplied("{\"ContractId\":\"c-1\"}").setEstimateSku("price-" + i % 40);
            default -> {
            }
        }
        return builder.build();
    }

    /** A map in a fixed order (Map.of's order changes from one JVM to the next). */
    private static Map<String, String> map(String... keysAndValues) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String resource(int r) {
        return String.format("res-%02d", r);
    }

    private static TestInputTopic<String, byte[]> rawCosts(TopologyFixture fixture) {
        SpendstreamTopics topics = fixture.topics();
        return fixture.driver().createInputTopic(topics.cost.name(), topics.cost.keySerde().serializer(),
                new ByteArraySerializer(), TopologyFixture.START, Duration.ZERO);
    }

    /** CostRecord as a FOCUS 1.2 producer wrote it: without the fields from contractApplied on. */
    static Schema olderCostSchema() {
        Schema current = CostRecord.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            if (field.name().equals("contractApplied")) {
                break;
            }
            fields.add(new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** The app's CostRecord with another record doc: another registry id for the very same binary layout. */
    private static Schema otherDocCostSchema() {
        Schema current = CostRecord.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream().map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(current.getName(), "Written by another producer.", current.getNamespace(),
                false, fields);
    }

    /** The record in the Confluent wire format under {@code id}, written with {@code schema} (a prefix of its own). */
    static byte[] framed(int id, Schema schema, CostRecord cost) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ConfluentWireFormat.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<CostRecord>(schema, SpecificData.getForClass(CostRecord.class)).write(cost, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Records on spend.cost that no reader can take whole, and one with bytes after its end. */
    private static void badCostRecords(TopologyFixture fixture) throws IOException {
        TestInputTopic<String, byte[]> raw = rawCosts(fixture);
        Instant at = T0.plus(Duration.ofHours(3));
        int id = fixture.topics().registry().register(fixture.topics().cost.name() + "-value",
                CostRecord.getClassSchema());
        byte[] whole = framed(id, CostRecord.getClassSchema(),
                asAvroReadsIt(fixture.topics(), cost(5_000, resource(1), at, new Random(3))));
        raw.pipeInput("bad-plain", "not avro at all".getBytes(StandardCharsets.UTF_8), at);
        raw.pipeInput("bad-unknown-id", new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 'a'}, at);
        raw.pipeInput("bad-truncated", Arrays.copyOf(whole, whole.length / 2), at);
        byte[] trailing = Arrays.copyOf(whole, whole.length + 6);
        System.arraycopy(new byte[] {2, 'z', 2, 'z', 0, 1}, 0, trailing, whole.length, 6);
        raw.pipeInput("trailing-bytes", trailing, at);
        raw.pipeInput("after-bad", framed(id, CostRecord.getClassSchema(),
                asAvroReadsIt(fixture.topics(), cost(5_001, resource(3), at, new Random(4)))), at);
    }

    /**
     * One line per output record: timestamp, the SHA-256 of key (64 bits of it) and value (128 bits), and its
     * headers; dead letters with their fields, the message in full; the app's meters.
     */
    private static List<String> outputs(TopologyFixture fixture) {
        List<String> lines = new ArrayList<>();
        TestOutputTopic<byte[], byte[]> out = fixture.driver().createOutputTopic(
                fixture.topics().costAttributed.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (TestRecord<byte[], byte[]> record : out.readRecordsToList()) {
            StringBuilder line = new StringBuilder("attributed " + record.timestamp() + " "
                    + sha256(record.key()).substring(0, 16) + " " + sha256(record.value()).substring(0, 32));
            for (Header header : record.headers()) {
                line.append(' ').append(header.key()).append('=').append(sha256(header.value()).substring(0, 16));
            }
            lines.add(line.toString());
        }
        for (DeadLetter dead : fixture.output(fixture.topics().dlq).readValuesToList()) {
            lines.add("dlq " + dead.getReason() + " " + dead.getProcessor() + " " + dead.getPhase() + " "
                    + dead.getSourceTopic() + "/" + dead.getSourcePartition() + "@" + dead.getSourceOffset() + " "
                    + dead.getSourceTimestamp() + " " + dead.getErrorClass() + " "
                    + sha256(bytes(dead.getRawValue())).substring(0, 32) + " "
                    + dead.getMessage().replace('\n', ' '));
        }
        Map<String, String> meters = new LinkedHashMap<>();
        fixture.meters().getMeters().stream()
                .filter(meter -> meter.getId().getName().startsWith("spendstream."))
                .sorted(Comparator.comparing(meter -> meter.getId().toString()))
                .forEach(meter -> meters.put(meter.getId().getName() + meter.getId().getTags(), value(meter)));
        meters.forEach((name, value) -> lines.add("meter " + name + " " + value));
        return lines;
    }

    private static String value(Meter meter) {
        StringBuilder values = new StringBuilder();
        meter.measure().forEach(measurement -> values.append(measurement.getStatistic()).append('=')
                .append(measurement.getValue()).append(' '));
        return values.toString().strip();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        if (bytes == null) {
            return "null".repeat(16);
        }
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
