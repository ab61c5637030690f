package io.spendstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.spendstream.avro.ResourceTags;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons;

class TagJsonParserTest {

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

    private TagUpdate parse(String key, String json) {
        return parser.parse(key, json.getBytes(StandardCharsets.UTF_8), 0L);
    }
}
