package io.spendstream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.Schema.Field;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.registry.RegisteredSchema;
import io.spendstream.schemas.registry.SchemaRegistryClient;

/** Cost lines, older schemas of them, and a registry that counts its calls, for the forwarding serdes' tests. */
final class ForwardingTestRecords {

    static final String COST_TOPIC = "spend.cost";
    static final String COST_SUBJECT = "spend.cost-value";

    private ForwardingTestRecords() {
    }

    /** A line with most columns set, tags and AllocatedTags of several entries (a TreeMap: a fixed order). */
    static CostRecord cost(int i) {
        Instant start = Instant.parse("2026-11-23T08:00:00Z").plus(Duration.ofMinutes(i));
        return CostRecord.newBuilder()
                .setChargeId("charge-" + i)
                .setRevision(1 + i % 3)
                .setChargePeriodStart(start)
                .setChargePeriodEnd(start.plus(Duration.ofHours(1)))
                .setEffectiveCost(Money.of("12.345678").add(Money.of(String.valueOf(i))))
                .setBilledCost(i % 2 == 0 ? null : Money.of("-3.5"))
                .setCurrency("USD")
                .setOriginalEffectiveCost(Money.of("11.1"))
                .setOriginalCurrency("EUR")
                .setResourceId(i % 5 == 0 ? null : "res-" + i)
                .setServiceName("Amazon Elastic Compute Cloud")
                .setTags(map("service", "svc-" + i % 7, "team", "team-" + i % 3, "Émoji", "☁️"))
                .setExtensions(map("x_Project", "p-" + i))
                .setAllocatedResourceId(i % 4 == 0 ? "ns-" + i : null)
                .setAllocatedTags(i % 4 == 0 ? map("app", "split-" + i, "owner", "o") : map())
                .setProviderSplit(i % 4 == 0)
                .setEstimateSku(i % 3 == 0 ? "sku-" + i : null)
                .build();
    }

    static Map<String, String> map(String... keysAndValues) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** CostRecord as a producer before FOCUS 1.3 wrote it: without the fields from contractApplied on. */
    static Schema focus12CostSchema() {
        List<Field> fields = new ArrayList<>();
        for (Field field : CostRecord.getClassSchema().getFields()) {
            if (field.name().equals("contractApplied")) {
                break;
            }
            fields.add(new Field(field, field.schema()));
        }
        Schema current = CostRecord.getClassSchema();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** {@code record} written with {@code schema} (its own, or a prefix of its fields) under {@code id}. */
    static <T extends SpecificRecord> byte[] framed(int id, Schema schema, T record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ConfluentWireFormat.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<T>(schema, SpecificData.getForClass(record.getClass())).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** A registry that counts the calls it passes on. */
    static final class CountingRegistry implements SchemaRegistryClient {

        private final SchemaRegistryClient registry;
        int registers;
        int lookups;

        CountingRegistry(SchemaRegistryClient registry) {
            this.registry = registry;
        }

        @Override
        public synchronized int register(String subject, Schema schema) {
            registers++;
            return registry.register(subject, schema);
        }

        @Override
        public synchronized Schema getById(int id) {
            lookups++;
            return registry.getById(id);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return registry.latest(subject);
        }
    }
}
