package io.spendstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.Alert;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Budget;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.CommitmentUtilisation;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.Reconciliation;
import io.spendstream.avro.ResourceTags;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

/**
 * {@link AvroBinary#specificWriter}'s planned fields against Avro's own writer: the same bytes for random records of
 * every generated record of the wire schemas (nulls, maps, arrays, nested records, enums, non-ASCII text, decimals
 * at and beside their scale, timestamps with nanoseconds), and the same exceptions for values Avro refuses.
 */
class AvroBinaryPlanTest {

    private static final List<Class<? extends SpecificRecordBase>> TYPES = List.of(CostRecord.class,
            DeadLetter.class, AttributedCost.class, Anomaly.class, Alert.class, UnitCost.class, BurnRate.class,
            Reconciliation.class, Budget.class, ApmRecord.class, ResourceTags.class, ServiceValue.class,
            CommitmentUtilisation.class);

    @Test
    void shouldWriteExactlyAvrosBytesForRandomRecordsOfEveryWireSchema() throws IOException {
        Random random = new Random(11);
        for (Class<? extends SpecificRecordBase> type : TYPES) {
            SpecificData model = SpecificData.getForClass(type);
            Schema schema = model.getSchema(type);
            SpecificDatumWriter<Object> planned = AvroBinary.specificWriter(schema, model);
            SpecificDatumWriter<Object> avro = new SpecificDatumWriter<>(schema, model);
            for (int n = 0; n < 500; n++) {
                Object record = randomRecord(schema, model, random);
                assertThat(bytes(planned, record)).as("%s record %d", type.getSimpleName(), n)
                        .isEqualTo(bytes(avro, record));
            }
        }
    }

    @Test
    void shouldFailLikeAvroOnADecimalWithMoreDecimalsThanItsScaleAndOnAMissingValue() {
        CostRecord cost = (CostRecord) randomRecord(CostRecord.getClassSchema(),
                SpecificData.getForClass(CostRecord.class), new Random(3));
        SpecificDatumWriter<CostRecord> planned = AvroBinary.specificWriter(CostRecord.class);
        SpecificDatumWriter<CostRecord> avro = new SpecificDatumWriter<>(CostRecord.class);
        cost.setEffectiveCost(new BigDecimal("0.0000000000001"));
        assertSameFailure(planned, avro, cost);
        cost.setEffectiveCost(Money.ZERO);
        cost.setBilledCost(new BigDecimal("1E+40"));
        assertSameFailure(planned, avro, cost);
        cost.setBilledCost(null);
        cost.setCurrency(null);
        assertSameFailure(planned, avro, cost);
    }

    private static <T> void assertSameFailure(SpecificDatumWriter<T> planned, SpecificDatumWriter<T> avro, T record) {
        Throwable expected = org.assertj.core.api.Assertions.catchThrowable(() -> bytes(avro, record));
        assertThat(expected).isNotNull();
        assertThatThrownBy(() -> bytes(planned, record)).isExactlyInstanceOf(expected.getClass())
                .hasMessage(expected.getMessage());
    }

    private static <T> byte[] bytes(SpecificDatumWriter<T> writer, T record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Object randomRecord(Schema schema, SpecificData model, Random random) {
        Object record = model.newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            ((SpecificRecordBase) record).put(field.pos(), randomValue(field.schema(), model, random));
        }
        return record;
    }

    private static Object randomValue(Schema schema, SpecificData model, Random random) {
        LogicalType logical = schema.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            BigDecimal value = new BigDecimal(BigInteger.valueOf(random.nextLong()).multiply(
                    BigInteger.valueOf(random.nextInt(1000))), decimal.getScale());
            // Now and then a scale Avro widens to the schema's: written by Avro's path.
            return random.nextInt(10) == 0 ? new BigDecimal(random.nextInt(1000)) : value;
        }
        if (logical instanceof LogicalTypes.TimestampMillis) {
            return Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000));
        }
        return switch (schema.getType()) {
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                yield randomValue(branches.get(random.nextInt(branches.size())), model, random);
            }
            case NULL -> null;
            case STRING -> random.nextInt(8) == 0 ? "" : "t\u00e9xt-\u20ac-" + random.nextInt(100_000);
            case INT -> random.nextInt();
            case LONG -> random.nextLong();
            case BOOLEAN -> random.nextBoolean();
            case DOUBLE -> random.nextDouble();
            case FLOAT -> random.nextFloat();
            case BYTES -> ByteBuffer.wrap(new byte[random.nextInt(5)]);
            case ENUM -> model.createEnum(schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())),
                    schema);
            case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            case MAP -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    map.put("k" + random.nextInt(1000), randomValue(schema.getValueType(), model, random));
                }
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomValue(schema.getElementType(), model, random));
                }
                yield list;
            }
            case RECORD -> randomRecord(schema, model, random);
        };
    }
}
