package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ParsedEntriesTest {

    private final List<String> parsed = new ArrayList<>();
    private final ParsedEntries<String> entries = new ParsedEntries<>(2, (key, bytes) -> {
        String text = new String(bytes, StandardCharsets.UTF_8);
        parsed.add(key + "=" + text);
        if (text.startsWith("bad")) {
            throw new IllegalArgumentException(key + " is " + text);
        }
        return text.toUpperCase();
    });

    @Test
    void shouldParseAnEntryOncePerStoredValue() {
        assertThat(entries.get("a", bytes("one"))).isEqualTo("ONE");
        assertThat(entries.get("a", bytes("one"))).isEqualTo("ONE");
        assertThat(entries.get("a", bytes("two"))).isEqualTo("TWO");
        assertThat(entries.get("a", bytes("two"))).isEqualTo("TWO");

        assertThat(parsed).containsExactly("a=one", "a=two");
    }

    @Test
    void shouldNotBeFooledByTheCallerReusingItsByteArray() {
        byte[] buffer = bytes("one");
        entries.get("a", buffer);
        buffer[0] = 'x';

        assertThat(entries.get("a", buffer)).isEqualTo("XNE");
    }

    @Test
    void shouldGiveNullForAnAbsentEntry() {
        assertThat(entries.get("a", null)).isNull();
        assertThat(parsed).isEmpty();
    }

    @Test
    void shouldParseAMalformedEntryAgainOnEveryLookup() {
        assertThatThrownBy(() -> entries.get("a", bytes("bad"))).hasMessage("a is bad");
        assertThatThrownBy(() -> entries.get("a", bytes("bad"))).hasMessage("a is bad");

        assertThat(parsed).containsExactly("a=bad", "a=bad");
        assertThat(entries.size()).isZero();
    }

    @Test
    void shouldKeepAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        entries.get("a", bytes("1"));
        entries.get("b", bytes("2"));
        entries.get("a", bytes("1"));
        entries.get("c", bytes("3"));
        entries.get("a", bytes("1"));
        entries.get("b", bytes("2"));

        assertThat(entries.size()).isEqualTo(2);
        assertThat(parsed).containsExactly("a=1", "b=2", "c=3", "b=2");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
