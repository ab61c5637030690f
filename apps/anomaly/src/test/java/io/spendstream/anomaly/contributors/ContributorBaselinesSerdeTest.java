package io.spendstream.anomaly.contributors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.ChildBaselineRecord;
import io.spendstream.anomaly.avro.ChildCostRecord;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * The contributor baselines' serde writes and reads format 2 field by field ({@link ContributorBaselinesSerde}): the
 * bytes must be Avro's, so that a store or changelog written before restores. Format 1 is read by Avro's resolving
 * reader ({@code ContributorBaselinesTest}).
 */
class ContributorBaselinesSerdeTest {

    /**
     * Records as the serde wrote them before it wrote field by field (Avro's writer, commit a51b812): one that names
     * its pending windows' starts (written without the windows), and one that keeps its window inline.
     */
    private static final String SPLIT_WRITTEN_BY_AVRO = "02c0f6a3fef962a41304107265736f757263650c692d306162630a1cbe991a"
            + "1402015406736b751c5ac3bc726963682d65677265737310eeddefdac1948fff1c04de9852a1b7e326254bfcc0a0000200"
            + "0082050280a0abfef96200";
    private static final String INLINE_WRITTEN_BY_AVRO = "02ffffffffffffffffff010004107265736f757263650c692d30616263"
            + "0a1cbe991a1402015406736b751c5ac3bc726963682d65677265737310eeddefdac1948fff1c04de9852a1b7e326254bfc"
            + "c0a00002000280a0abfef962c0c9b2fef962bec9b2fef96202107265736f757263650c692d306162630a746a528800000001"
            + "00";

    private final ContributorBaselinesSerde serde = new ContributorBaselinesSerde();

    @Test
    void shouldRestoreRecordsWrittenBeforeAndWriteThemAgainAsTheSameBytes() {
        List<ChildBaselineRecord> baselines = List.of(
                new ChildBaselineRecord("resource", "i-0abc", new BigDecimal("0.123456789012"),
                        new BigDecimal("0.000000000001"), 42L),
                new ChildBaselineRecord("sku", "Zürich-egress", new BigDecimal("-1234567.000000000001"),
                        new BigDecimal("98765432109876543210.000000000000"), 1L));
        PendingChildrenRecord window = new PendingChildrenRecord(1_700_000_000_000L, 1_700_000_060_000L,
                1_700_000_059_999L, List.of(new ChildCostRecord("resource", "i-0abc",
                        new BigDecimal("0.500000000000"))));
        byte[] split = HexFormat.of().parseHex(SPLIT_WRITTEN_BY_AVRO);
        byte[] inline = HexFormat.of().parseHex(INLINE_WRITTEN_BY_AVRO);

        ContributorBaselinesRecord splitRead = serde.read(split);
        ContributorBaselinesRecord inlineRead = serde.read(inline);

        assertThat(splitRead).isEqualTo(new ContributorBaselinesRecord(1_699_999_940_000L, 1234L, baselines,
                List.of(), 321L, List.of(1_700_000_000_000L)));
        assertThat(inlineRead).isEqualTo(new ContributorBaselinesRecord(Long.MIN_VALUE, 0L, baselines,
                List.of(window), -1L, List.of()));
        assertThat(serde.write(splitRead)).isEqualTo(split);
        assertThat(serde.write(inlineRead)).isEqualTo(inline);
    }

    @Test
    void shouldWriteTheBytesAvrosWriterWritesAndReadBackAnEqualRecord() throws IOException {
        Random random = new Random(18);
        for (int i = 0; i < 1_000; i++) {
            ContributorBaselinesRecord record = randomRecord(random);
            // What the store keeps: the windows inline only when the record names no starts.
            ContributorBaselinesRecord stored = record.getPendingStarts().isEmpty() ? record
                    : new ContributorBaselinesRecord(record.getSettledBefore(), record.getLearnedWindows(),
                            record.getBaselines(), List.of(), record.getPendingBytes(), record.getPendingStarts());

            byte[] written = serde.write(record);

            assertThat(written).as("record %s", record).isEqualTo(PendingChildrenSerdeTest.avroBytes(
                    ContributorBaselinesSerde.FORMAT_V2, ContributorBaselinesRecord.class, stored));
            assertThat(serde.read(written)).isEqualTo(stored);
        }
    }

    @Test
    void shouldReadAsListsTheStatesChangeInPlace() {
        ContributorBaselinesRecord read = serde.read(serde.write(randomRecord(new Random(3))));

        // ContributorStates and ContributorBaselines copy any other list once before changing it.
        assertThat(read.getBaselines()).isInstanceOf(ArrayList.class);
        assertThat(read.getPending()).isInstanceOf(ArrayList.class);
        assertThat(read.getPendingStarts()).isInstanceOf(ArrayList.class);
    }

    @Test
    void shouldLeaveARecordItCannotWriteAsAvroWouldToAvrosWriter() {
        List<Long> starts = new ArrayList<>(List.of(1L));
        starts.add(null);
        ContributorBaselinesRecord nullStart = new ContributorBaselinesRecord(0L, 0L, List.of(), List.of(), 0L,
                starts);
        PrivateAvroSerde<ContributorBaselinesRecord> avro = new PrivateAvroSerde<>(ContributorBaselinesRecord.class,
                "contributor baselines", ContributorBaselinesSerde.FORMAT_V2, Map.of());
        RuntimeException avroFailed = catchRuntimeException(() -> avro.write(nullStart));

        assertThat(avroFailed).isNotNull();
        assertThatThrownBy(() -> serde.write(nullStart)).isInstanceOf(avroFailed.getClass())
                .hasMessage(avroFailed.getMessage());
    }

    @Test
    void shouldRefuseBytesThatEndEarly() {
        byte[] written = serde.write(randomRecord(new Random(11)));

        for (int length = 1; length < written.length; length++) {
            byte[] truncated = Arrays.copyOf(written, length);
            assertThatThrownBy(() -> serde.read(truncated)).as("first %d bytes", length)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageStartingWith("Corrupt contributor baselines");
        }
    }

    private static ContributorBaselinesRecord randomRecord(Random random) {
        List<ChildBaselineRecord> baselines = new ArrayList<>();
        for (int c = random.nextInt(25); c > 0; c--) {
            baselines.add(new ChildBaselineRecord(random.nextBoolean() ? "resource" : "sku",
                    PendingChildrenSerdeTest.name(random), PendingChildrenSerdeTest.cost(random),
                    PendingChildrenSerdeTest.cost(random), random.nextLong()));
        }
        List<PendingChildrenRecord> pending = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        boolean split = random.nextBoolean();
        for (int w = random.nextInt(6); w > 0; w--) {
            PendingChildrenRecord window = PendingChildrenSerdeTest.randomWindow(random);
            pending.add(window);
            if (split) {
                starts.add(window.getWindowStart());
            }
        }
        return new ContributorBaselinesRecord(random.nextLong(), random.nextLong(), baselines, pending,
                random.nextInt(3) == 0 ? -1L : random.nextLong(), starts);
    }
}
