package io.spendstream.anomaly.contributors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.ChildCostRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.schemas.Money;

/**
 * The pending windows' serde writes and reads field by field ({@link PendingChildrenSerde}): the bytes must be
 * Avro's, so that the windows in a store or changelog written before restore, and so that Avro reads what it writes.
 */
class PendingChildrenSerdeTest {

    /**
     * A window as the serde wrote it before it wrote field by field (Avro's writer, commit a51b812): two resources
     * and a SKU with a non-ASCII name, costs positive, negative and beyond a long.
     */
    private static final String WRITTEN_BY_AVRO = "0180a0abfef962c0c9b2fef962bec9b2fef96206107265736f757263650c692d"
            + "306162630a1cbe991a1406736b751c5ac3bc726963682d65677265737310eeddefdac1948fff107265736f757263650e28"
            + "6f74686572291c04de9852a1b7e326254bfcc0a00000";

    private final PendingChildrenSerde serde = new PendingChildrenSerde();

    @Test
    void shouldRestoreAWindowWrittenBeforeAndWriteItAgainAsTheSameBytes() {
        byte[] before = HexFormat.of().parseHex(WRITTEN_BY_AVRO);

        PendingChildrenRecord restored = serde.read(before);

        assertThat(restored).isEqualTo(new PendingChildrenRecord(1_700_000_000_000L, 1_700_000_060_000L,
                1_700_000_059_999L, List.of(
                        new ChildCostRecord("resource", "i-0abc", new BigDecimal("0.123456789012")),
                        new ChildCostRecord("sku", "Zürich-egress", new BigDecimal("-1234567.000000000001")),
                        new ChildCostRecord("resource", "(other)",
                                new BigDecimal("98765432109876543210.000000000000")))));
        assertThat(serde.write(restored)).isEqualTo(before);
    }

    @Test
    void shouldWriteTheBytesAvrosWriterWritesAndReadBackAnEqualWindow() throws IOException {
        Random random = new Random(18);
        for (int i = 0; i < 2_000; i++) {
            PendingChildrenRecord window = randomWindow(random);

            byte[] written = serde.write(window);

            assertThat(written).as("window %s", window)
                    .isEqualTo(avroBytes(PrivateAvroSerde.FORMAT_V1, PendingChildrenRecord.class, window));
            assertThat(serde.read(written)).isEqualTo(window);
        }
    }

    @Test
    void shouldReadTheKindsAsTheConstantsTheBaselinesKeep() {
        PendingChildrenRecord window = new PendingChildrenRecord(0L, 60_000L, 1L, List.of(
                new ChildCostRecord(new String("resource"), "r", Money.of("1")),
                new ChildCostRecord(new String("sku"), "s", Money.of("2"))));

        PendingChildrenRecord read = serde.read(serde.write(window));

        assertThat(read.getChildren().get(0).getKind()).isSameAs(ContributorBaselines.RESOURCE);
        assertThat(read.getChildren().get(1).getKind()).isSameAs(ContributorBaselines.SKU);
    }

    @Test
    void shouldLeaveACostAtAnotherScaleToAvrosConversion() {
        PendingChildrenRecord window = new PendingChildrenRecord(0L, 60_000L, 1L, List.of(
                new ChildCostRecord("resource", "r", new BigDecimal("1.25"))));
        PrivateAvroSerde<PendingChildrenRecord> avro = new PrivateAvroSerde<>(PendingChildrenRecord.class,
                "pending children");

        byte[] avroWrote = null;
        RuntimeException avroFailed = null;
        try {
            avroWrote = avro.write(window);
        } catch (RuntimeException e) {
            avroFailed = e;
        }

        if (avroFailed == null) {
            assertThat(serde.write(window)).isEqualTo(avroWrote);
        } else {
            assertThatThrownBy(() -> serde.write(window)).isInstanceOf(avroFailed.getClass())
                    .hasMessage(avroFailed.getMessage());
        }
    }

    @Test
    void shouldRefuseBytesThatEndEarlyOrCarryAnUnknownFormat() {
        byte[] written = serde.write(randomWindow(new Random(7)));

        for (int length = 1; length < written.length; length++) {
            byte[] truncated = Arrays.copyOf(written, length);
            assertThatThrownBy(() -> serde.read(truncated)).as("first %d bytes", length)
                    .isInstanceOf(SerializationException.class).hasMessageStartingWith("Corrupt pending children");
        }
        byte[] unknown = written.clone();
        unknown[0] = 9;
        assertThatThrownBy(() -> serde.read(unknown)).isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Unknown pending children format 9");
    }

    static PendingChildrenRecord randomWindow(Random random) {
        int count = random.nextInt(4) == 0 ? 0 : random.nextInt(30);
        List<ChildCostRecord> children = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            children.add(new ChildCostRecord(random.nextBoolean() ? "resource" : "sku", name(random),
                    cost(random)));
        }
        long start = switch (random.nextInt(5)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            case 2 -> -random.nextInt(1_000);
            default -> 1_700_000_000_000L + random.nextInt(1_000_000) * 60_000L;
        };
        return new PendingChildrenRecord(start, start + 60_000L, random.nextLong(), children);
    }

    static String name(Random random) {
        String[] parts = {"i-0", "arn:aws:ec2:eu-west-1:123456789012:instance/", "Zürich", "东京-", "\uD83D\uDCB8",
            ""};
        return parts[random.nextInt(parts.length)] + Long.toHexString(random.nextLong());
    }

    /** Costs at the wire scale: compact ones as the app keeps them, zero, negative, up to the schema's precision. */
    static BigDecimal cost(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Money.ZERO;
            case 1 -> Money.compact(BigDecimal.valueOf(random.nextInt(100_000), 4));
            case 2 -> BigDecimal.valueOf(random.nextLong(), Money.SCALE);
            case 3 -> BigDecimal.valueOf(random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE, Money.SCALE);
            case 4 -> new BigDecimal(new BigInteger(1 + random.nextInt(120), random)
                    .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)), Money.SCALE);
            default -> BigDecimal.valueOf(-random.nextInt(1 << 20), Money.SCALE);
        };
    }

    /**
     * {@code format} and the bytes of Avro's own writer of {@code record}, without the shortcuts of the app's Avro
     * writing: what the field-by-field serdes must write.
     */
    static <T> byte[] avroBytes(byte format, Class<T> type, T record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(format);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new SpecificDatumWriter<>(type).write(record, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }
}
