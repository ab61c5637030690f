package io.spendstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.Money;

class AvroBinaryTest {

    private static final CostRecord COST = CostRecord.newBuilder()
            .setChargeId("charge-1")
            .setChargePeriodStart(Instant.parse("2026-11-23T10:00:00Z"))
            .setChargePeriodEnd(Instant.parse("2026-11-23T11:00:00Z"))
            .setEffectiveCost(Money.of("0.000000400000"))
            .setCurrency("USD")
            .setOriginalEffectiveCost(Money.of("0.37"))
            .setOriginalCurrency("EUR")
            .setSkuPriceId("sku-price-07")
            .setTags(Map.of("team", "payments"))
            .build();

    @Test
    void shouldWriteTheFormatByteThenExactlyAvrosOwnBytesAndReadThemBack() throws IOException {
        byte[] bytes = AvroBinary.write(AvroBinary.specificWriter(CostRecord.class), COST, (byte) 7);

        assertThat(bytes[0]).isEqualTo((byte) 7);
        assertThat(Arrays.copyOfRange(bytes, 1, bytes.length)).isEqualTo(avro(COST));
        assertThat(AvroBinary.read(new SpecificDatumReader<>(CostRecord.class), bytes, 1)).isEqualTo(COST);
    }

    @Test
    void shouldGiveACallNestedInAnotherOnTheSameThreadItsOwnBuffers() throws IOException {
        SpecificDatumWriter<CostRecord> plain = AvroBinary.specificWriter(CostRecord.class);
        byte[][] inner = new byte[1][];
        // A writer that serializes another record half way through its own, as a wrapping serde may.
        SpecificDatumWriter<CostRecord> nesting = new SpecificDatumWriter<>(CostRecord.class) {
            @Override
            public void write(CostRecord datum, Encoder out) throws IOException {
                inner[0] = AvroBinary.write(plain, COST, (byte) 2);
                super.write(datum, out);
            }
        };

        byte[] outer = AvroBinary.write(nesting, COST, (byte) 1);

        assertThat(outer[0]).isEqualTo((byte) 1);
        assertThat(inner[0][0]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(outer, 1, outer.length)).isEqualTo(avro(COST));
        assertThat(Arrays.copyOfRange(inner[0], 1, inner[0].length)).isEqualTo(avro(COST));
    }

    private static byte[] avro(CostRecord cost) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<>(CostRecord.class).write(cost, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
