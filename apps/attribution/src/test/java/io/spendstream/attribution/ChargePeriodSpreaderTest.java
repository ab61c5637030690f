package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.spendstream.attribution.ChargePeriodSpreader.Part;
import io.spendstream.schemas.Money;

class ChargePeriodSpreaderTest {

    private static final Instant HOUR = Instant.parse("2026-11-23T10:00:00Z");
    private static final ChargePeriodSpreader SPREADER = new ChargePeriodSpreader(
            new WindowGrid(Duration.ofMinutes(1), Duration.ofMinutes(10)), Duration.ofDays(1));

    @Test
    void shouldSpreadHourlyRowIntoSixtyMinutePartsThatSumExactly() {
        List<Part> parts = SPREADER.spread(new BigDecimal("1.000000000007"), HOUR, HOUR.plus(Duration.ofHours(1)));

        assertThat(parts).hasSize(60);
        assertThat(parts).extracting(Part::windowStartMs)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 60)
                        .mapToObj(i -> HOUR.toEpochMilli() + i * 60_000).toList());
        // 1.000000000007 / 60 = 0.016666666666783..., rounded half-even at 12 places; the last part takes the rest.
        assertThat(parts.subList(0, 59)).extracting(Part::amount).containsOnly(Money.of("0.016666666667"));
        assertThat(parts.get(59).amount()).isEqualTo(Money.of("0.016666666654"));
        assertThat(sum(parts)).isEqualTo(Money.of("1.000000000007"));
    }

    @Test
    void shouldSplitUnalignedPeriodInProportionToOverlap() {
        Instant start = HOUR.plusSeconds(30);
        List<Part> parts = SPREADER.spread(new BigDecimal("4"), start, start.plusSeconds(120));

        assertThat(parts).containsExactly(
                new Part(HOUR.toEpochMilli(), Money.of("1")),
                new Part(HOUR.toEpochMilli() + 60_000, Money.of("2")),
                new Part(HOUR.toEpochMilli() + 120_000, Money.of("1")));
    }

    @Test
    void shouldBookRowLongerThanMaxSpreadWholeInItsStartWindow() {
        Instant start = HOUR.plusSeconds(59);
        List<Part> parts = SPREADER.spread(new BigDecimal("30000"), start, start.plus(Duration.ofDays(30)));

        assertThat(parts).containsExactly(new Part(HOUR.toEpochMilli(), Money.of("30000")));
        assertThat(SPREADER.spreads(start, start.plus(Duration.ofDays(30)))).isFalse();
    }

    @Test
    void shouldSpreadDailyRowOverEveryMinuteOfTheDay() {
        List<Part> parts = SPREADER.spread(new BigDecimal("-86.4"), HOUR, HOUR.plus(Duration.ofDays(1)));

        assertThat(parts).hasSize(1440);
        assertThat(parts).extracting(Part::amount).containsOnly(Money.of("-0.06"));
    }

    @Test
    void shouldBookRowWithoutLengthInItsStartWindow() {
        assertThat(SPREADER.spread(BigDecimal.ONE, HOUR.plusSeconds(5), HOUR.plusSeconds(5)))
                .containsExactly(new Part(HOUR.toEpochMilli(), Money.of("1")));
    }

    @Test
    void shouldKeepEverySumExactForRandomAmountsAndPeriods() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            BigDecimal amount = BigDecimal.valueOf(random.nextLong() % 1_000_000_000_000_000L, 12);
            Instant start = HOUR.plusMillis(random.nextInt(3_600_000));
            Instant end = start.plusMillis(1 + random.nextInt(3 * 3_600_000));

            assertThat(sum(SPREADER.spread(amount, start, end))).as("row %d: %s over %s..%s", i, amount, start, end)
                    .isEqualTo(Money.of(amount));
        }
    }

    @Test
    void shouldRollMinutePartsUpIntoHoursThatAreExactlyTheSumOfTheirMinutes() {
        WindowGrid hours = new WindowGrid(Duration.ofHours(1), Duration.ofMinutes(10));
        Instant start = HOUR.plusSeconds(1_234);
        List<Part> minutes = SPREADER.spread(new BigDecimal("1"), start, start.plus(Duration.ofDays(1)));

        List<Part> rolled = ChargePeriodSpreader.rollUp(minutes, hours);

        assertThat(rolled).hasSize(25);
        assertThat(rolled).extracting(Part::windowStartMs)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 25)
                        .mapToObj(i -> HOUR.toEpochMilli() + i * 3_600_000).toList());
        for (Part hour : rolled) {
            assertThat(hour.amount()).isEqualTo(sum(minutes.stream()
                    .filter(m -> hours.startOf(m.windowStartMs()) == hour.windowStartMs()).toList()));
        }
        // Spread directly over hours, 1/24 of a row rounds differently from 60 x its 1/1440: the roll-up does not.
        List<Part> direct = new ChargePeriodSpreader(hours, Duration.ofDays(1))
                .spread(new BigDecimal("1"), HOUR, HOUR.plus(Duration.ofDays(1)));
        List<Part> fromMinutes = ChargePeriodSpreader.rollUp(
                SPREADER.spread(new BigDecimal("1"), HOUR, HOUR.plus(Duration.ofDays(1))), hours);
        assertThat(direct.get(0).amount()).isEqualTo(Money.of("0.041666666667"));
        assertThat(fromMinutes.get(0).amount()).isEqualTo(Money.of("0.041666666640"));
        assertThat(sum(rolled)).isEqualTo(Money.of("1"));
        assertThat(sum(fromMinutes)).isEqualTo(Money.of("1"));
    }

    private static BigDecimal sum(List<Part> parts) {
        return parts.stream().map(Part::amount).reduce(Money.ZERO, Money::add);
    }
}
