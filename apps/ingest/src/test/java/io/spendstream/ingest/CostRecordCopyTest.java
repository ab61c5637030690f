package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.avro.AvroTypeException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.Money;

/** {@link CostRecordCopy} against Avro's copying builder: the same values, map types and order, and bytes. */
class CostRecordCopyTest {

    private static final SpecificDatumWriter<CostRecord> WRITER = new SpecificDatumWriter<>(CostRecord.class);

    @Test
    void shouldCopyLikeTheCopyingBuilderForRandomRecords() throws IOException {
        Random random = new Random(7);
        for (int n = 0; n < 2_000; n++) {
            CostRecord record = randomRecord(random);
            CostRecord ours = CostRecordCopy.of(record);
            CostRecord avros = CostRecord.newBuilder(record).build();

            assertThat(ours).as("record %d", n).isEqualTo(avros);
            assertThat(bytes(ours)).as("bytes of record %d", n).isEqualTo(bytes(avros));
            for (int field = 0; field < CostRecord.getClassSchema().getFields().size(); field++) {
                Object mine = ours.get(field);
                Object theirs = avros.get(field);
                if (theirs instanceof Map<?, ?> map) {
                    assertThat(mine).as("record %d field %d", n, field).isExactlyInstanceOf(map.getClass());
                    assertThat(new ArrayList<>(((Map<?, ?>) mine).keySet())).as("order of record %d field %d", n,
                            field).isEqualTo(new ArrayList<>(map.keySet()));
                } else if (theirs instanceof BigDecimal decimal) {
                    assertThat(((BigDecimal) mine).scale()).isEqualTo(decimal.scale());
                }
            }
        }
    }

    @Test
    void shouldNotShareTheMapsItCopies() {
        CostRecord record = randomRecord(new Random(1));
        record.getTags().put("team", "payments");
        CostRecord copy = CostRecordCopy.of(record);
        copy.getTags().put("team", "search");
        assertThat(record.getTags()).containsEntry("team", "payments");
    }

    @Test
    void shouldWidenOrRefuseADecimalOfAnotherScaleAsTheBuilderDoes() {
        CostRecord record = randomRecord(new Random(2));
        record.setEffectiveCost(new BigDecimal("1.5"));
        assertThat(CostRecordCopy.of(record).getEffectiveCost())
                .isEqualTo(CostRecord.newBuilder(record).build().getEffectiveCost()).isEqualTo(Money.of("1.5"));
        record.setEffectiveCost(new BigDecimal("0.0000000000001"));
        assertThatThrownBy(() -> CostRecord.newBuilder(record).build()).isInstanceOf(AvroTypeException.class);
        assertThatThrownBy(() -> CostRecordCopy.of(record)).isInstanceOf(AvroTypeException.class);
    }

    private static CostRecord randomRecord(Random random) {
        return CostRecord.newBuilder()
                .setChargeId("charge-" + random.nextInt(1000))
                .setRevision(1 + random.nextInt(3))
                .setChargePeriodStart(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000),
                        random.nextBoolean() ? 0 : random.nextInt(1_000_000_000)))
                .setChargePeriodEnd(Instant.ofEpochMilli(1_800_000_000_000L + random.nextInt(100_000)))
                .setEffectiveCost(amount(random))
                .setBilledCost(random.nextBoolean() ? amount(random) : null)
                .setListCost(random.nextBoolean() ? amount(random) : null)
                .setCurrency("USD")
                .setOriginalEffectiveCost(amount(random))
                .setOriginalCurrency(random.nextBoolean() ? "EUR" : "")
                .setCostSource(random.nextBoolean() ? "billing" : "metered")
                .setChargeCategory(random.nextBoolean() ? "Usage" : null)
                .setResourceId("res-" + random.nextInt(100))
                .setSkuPriceId(random.nextBoolean() ? "sku-" + random.nextInt(40) : null)
                .setPricingQuantity(random.nextBoolean() ? amount(random) : null)
                .setTags(strings(random, "tag"))
                .setExtensions(strings(random, "x_"))
                .setAllocatedTags(random.nextInt(4) == 0 ? strings(random, "alloc") : Collections.emptySortedMap())
                .setProviderSplit(random.nextBoolean())
                .build();
    }

    private static BigDecimal amount(Random random) {
        return Money.of(BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, random.nextInt(13)));
    }

    /** Up to 40 keys, so maps of many sizes (and HashMap buckets shared by several keys) are covered. */
    private static SortedMap<String, String> strings(Random random, String prefix) {
        SortedMap<String, String> map = new TreeMap<>();
        int size = random.nextInt(41);
        for (int i = 0; i < size; i++) {
            map.put(prefix + Integer.toString(random.nextInt(100_000), 36), random.nextBoolean() ? "" : "v" + i);
        }
        return map;
    }

    private static byte[] bytes(CostRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        WRITER.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
