package io.spendstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.ResourceTags;

class TagVersionTimeTest {

    private static final long SENT = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final long DAY = Duration.ofDays(1).toMillis();

    private final TagVersionTime time = new TagVersionTime(Duration.ofDays(30));

    @Test
    void shouldUseValidFromWhenGiven() {
        long validFrom = SENT - 3 * DAY;
        assertThat(time.validFrom(update(validFrom), SENT, false)).isEqualTo(validFrom);
        assertThat(time.validFrom(update(SENT + DAY), SENT, true)).isEqualTo(SENT + DAY);
    }

    @Test
    void shouldLetFirstTagsWithoutValidFromCoverTheKeptHistory() {
        assertThat(time.validFrom(update(null), SENT, false)).isEqualTo(SENT - 29 * DAY);
    }

    @Test
    void shouldApplyLaterChangesAndDeletesFromWhenTheyWereSent() {
        assertThat(time.validFrom(update(null), SENT, true)).isEqualTo(SENT);
        assertThat(time.validFrom(TagUpdate.delete(), SENT, true)).isEqualTo(SENT);
    }

    @Test
    void shouldNeverGoBehindTheHistoryTheStoreKeeps() {
        assertThat(time.validFrom(update(SENT - 365 * DAY), SENT, true)).isEqualTo(time.floor(SENT));
        assertThat(new TagVersionTime(Duration.ofHours(2)).floor(SENT))
                .isEqualTo(SENT - Duration.ofHours(1).toMillis());
        assertThat(time.floor(1_000L)).isZero();
    }

    private static TagUpdate update(Long validFrom) {
        return TagUpdate.of(ResourceTags.newBuilder().setService("s")
                .setValidFrom(validFrom == null ? null : Instant.ofEpochMilli(validFrom)).build());
    }
}
