package io.spendstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.spendstream.avro.ResourceTags;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons;

class TagJsonParserTest {

    /** When the test's tag records were sent: after their validFrom of 2026-11-01. */
    private static final long SENT = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    private final TagJsonParser parser = new TagJsonParser();

    @Test
    void shouldParseEveryTagField() {
        ResourceTags tags = parse("i-1", """
                {"service":"checkout","team":"payments","product":"store","environment":"prod","costCenter":"CC-42",
                 "shared":true,"validFrom":"2026-11-01T00:00:00Z","somethingNew":{"ignored":1}}""").tags();

        assertThat(tags.getService()).isEqualTo("checkout");
        assertThat(tags.getTeam()).isEqualTo("payments");
        assertThat(tags.getProduct()).isEqualTo("store");
        assertThat(tags.getEnvironment()).isEqualTo("prod");
        assertThat(tags.getCostCenter()).isEqualTo("CC-42");
        assertThat(tags.getShared()).isTrue();
        assertThat(tags.getValidFrom()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    }

    @Test
    void shouldTreatBlankAndMissingFieldsAsNotSet() {
        ResourceTags tags = parse("i-1", "{\"service\":\"  checkout \",\"team\":\"  \",\"product\":null}").tags();

        assertThat(tags.getService()).isEqualTo("checkout");
        assertThat(tags.getTeam()).isNull();
        assertThat(tags.getProduct()).isNull();
        assertThat(tags.getShared()).isFalse();
        assertThat(tags.getValidFrom()).isNull();
    }

    @Test
    void shouldAcceptOffsetDateTimesAndTextBooleans() {
        ResourceTags tags = parse("i-1", "{\"validFrom\":\"2026-11-01T01:00:00+01:00\",\"shared\":\"TRUE\"}").tags();

        assertThat(tags.getValidFrom()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(tags.getShared()).isTrue();
    }

    @Test
    void shouldTurnNullValueIntoDelete() {
        assertThat(parser.parse("i-1", null, 0L).isDelete()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "i-1 | {not json                               | invalid-json",
        "i-1 | '[1,2]'                                 | invalid-json",
        "i-1 | ''                                      | invalid-json",
        "    | {\"service\":\"a\"}                     | missing-key",
        "' ' | {\"service\":\"a\"}                     | missing-key",
        "i-1 | {\"service\":7}                         | invalid-field",
        "i-1 | {\"team\":true}                        | invalid-field",
        "i-1 | {\"product\":[\"store\"]}              | invalid-field",
        "i-1 | {\"shared\":\"yes\"}                    | invalid-field",
        "i-1 | {\"validFrom\":\"2026-11-01\"}          | invalid-timestamp",
        "i-1 | {\"validFrom\":1700000000000}           | invalid-timestamp"})
    void shouldRejectWithReason(String key, String json, String reason) {
        assertThatThrownBy(() -> parse(key, json))
                .isInstanceOfSatisfying(RejectedRecordException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void shouldRejectKeylessDelete() {
        assertThatThrownBy(() -> parser.parse(null, null, 0L))
                .isInstanceOfSatisfying(RejectedRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReasons.Enrich.MISSING_KEY));
    }

    @Test
    void shouldRejectAValidFromTheBrokerWouldRefuseAsARecordTimestamp() {
        // Issue 15: this validFrom became the changelog record's timestamp, the broker refused it, enrich crash-looped.
        assertThatThrownBy(() -> parse("i-1", "{\"service\":\"checkout\",\"validFrom\":\"9999-12-31T23:59:59Z\"}"))
                .isInstanceOfSatisfying(RejectedRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE);
                    assertThat(e.getMessage()).contains("'validFrom' 9999-12-31T23:59:59Z is not before 2100");
                });
        String twoHoursAhead = Instant.ofEpochMilli(SENT).plus(Duration.ofHours(2)).toString();
        assertThatThrownBy(() -> parse("i-1", "{\"validFrom\":\"" + twoHoursAhead + "\"}"))
                .isInstanceOfSatisfying(RejectedRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE);
                    assertThat(e.getMessage()).contains("more than 60 minutes after the record's timestamp");
                });
    }

    @Test
    void shouldAcceptAValidFromUpToTheToleranceAheadAndAnyInThePast() {
        String anHourAhead = Instant.ofEpochMilli(SENT).plus(Duration.ofHours(1)).toString();
        assertThat(parse("i-1", "{\"validFrom\":\"" + anHourAhead + "\"}").tags().getValidFrom())
                .isEqualTo(Instant.parse(anHourAhead));
        // "Since always": TagVersionTime floors it to the kept history.
        assertThat(parse("i-1", "{\"validFrom\":\"1970-01-01T00:00:00Z\"}").tags().getValidFrom())
                .isEqualTo(Instant.EPOCH);
    }

    @Test
    void shouldRejectTextThatWouldBecomeAnOversizedKeyOrLabel() {
        // Issue 15: a 900 KB service became the key and part of the value of anomaly's gate repartition record.
        assertThatThrownBy(() -> parse("i-1", "{\"service\":\"" + "s".repeat(900_000) + "\"}"))
                .isInstanceOfSatisfying(RejectedRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.FIELD_TOO_LONG);
                    assertThat(e.getMessage()).startsWith("'service' is 900000 characters long")
                            .contains("2048").hasSizeLessThan(300);
                });
        assertThatThrownBy(() -> parse("r".repeat(2049), "{\"service\":\"checkout\"}"))
                .isInstanceOfSatisfying(RejectedRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.FIELD_TOO_LONG));
        assertThat(parse("r".repeat(2048), "{\"team\":\"" + "t".repeat(2048) + "\"}").tags().getTeam())
                .hasSize(2048);
    }

    @Test
    void shouldApplyConfiguredLimits() {
        TagJsonParser strict = new TagJsonParser(new InputLimits(8, Duration.ZERO));
        assertThatThrownBy(() -> strict.parse("i-1", utf8("{\"service\":\"checkout-1\"}"), SENT))
                .isInstanceOfSatisfying(RejectedRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.FIELD_TOO_LONG));
        String aMinuteAhead = Instant.ofEpochMilli(SENT).plus(Duration.ofMinutes(1)).toString();
        assertThatThrownBy(() -> strict.parse("i-1", utf8("{\"validFrom\":\"" + aMinuteAhead + "\"}"), SENT))
                .isInstanceOfSatisfying(RejectedRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE));
    }

    private TagUpdate parse(String key, String json) {
        return parser.parse(key, utf8(json), SENT);
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
