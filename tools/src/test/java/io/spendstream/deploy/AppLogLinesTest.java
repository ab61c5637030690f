package io.spendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppLogLinesTest {

    @Test
    void shouldTellAnErrorLineFromLinesThatOnlyMentionError() {
        assertThat(AppLogLines.isError("10:00:02.003 ERROR RunningApp - a-attribution stops")).isTrue();
        assertThat(AppLogLines.isError("10:00:02.003 INFO  RunningApp - no ERROR here")).isFalse();
        assertThat(AppLogLines.isError("\tat io.spendstream.Some.ERROR (Some.java:1)")).isFalse();
        assertThat(AppLogLines.isError("10:00:02.003 WARN  X - see ERROR above")).isFalse();
    }
}
