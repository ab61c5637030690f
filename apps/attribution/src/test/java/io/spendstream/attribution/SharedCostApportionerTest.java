package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;

import io.spendstream.schemas.Money;

class SharedCostApportionerTest {

    @Test
    void shouldSplitInProportionToTheWeights() {
        SortedMap<String, BigDecimal> parts = SharedCostApportioner.apportion(Money.of("0.045"),
                Map.of("checkout", BigInteger.valueOf(300), "search", BigInteger.valueOf(100)));

        assertThat(parts).containsExactly(Map.entry("checkout", Money.of("0.03375")),
                Map.entry("search", Money.of("0.01125")));
    }

    @Test
    void shouldGiveTheLeftOverUnitsToTheLargestRemaindersSoThePartsSumBackExactly() {
        SortedMap<String, BigDecimal> parts = SharedCostApportioner.apportion(Money.of("1.000000000001"),
                Map.of("a", BigInteger.ONE, "b", BigInteger.ONE, "c", BigInteger.ONE));

        // 1000000000001 units / 3 = 333333333333 rem 2: the two left-over units go to a and b (ties by name).
        assertThat(parts).containsExactly(Map.entry("a", Money.of("0.333333333334")),
                Map.entry("b", Money.of("0.333333333334")), Map.entry("c", Money.of("0.333333333333")));
        assertThat(parts.values().stream().reduce(Money.ZERO, Money::add)).isEqualTo(Money.of("1.000000000001"));
    }

    @Test
    void shouldFavourTheLargerRemainderOverTheName() {
        // 10 units by 1:2 -> 3.33 and 6.67: the left-over unit goes to b (remainder 2 of 3), not to a (1 of 3).
        SortedMap<String, BigDecimal> parts = SharedCostApportioner.apportion(Money.of("0.000000000010"),
                Map.of("a", BigInteger.ONE, "b", BigInteger.TWO));

        assertThat(parts).containsExactly(Map.entry("a", Money.of("0.000000000003")),
                Map.entry("b", Money.of("0.000000000007")));
    }

    @Test
    void shouldSplitACreditLikeACharge() {
        SortedMap<String, BigDecimal> parts = SharedCostApportioner.apportion(Money.of("-1.000000000001"),
                Map.of("a", BigInteger.ONE, "b", BigInteger.ONE, "c", BigInteger.ONE));

        assertThat(parts.get("a")).isEqualTo(Money.of("-0.333333333334"));
        assertThat(parts.get("c")).isEqualTo(Money.of("-0.333333333333"));
        assertThat(parts.values().stream().reduce(Money.ZERO, Money::add)).isEqualTo(Money.of("-1.000000000001"));
    }

    @Test
    void shouldRefuseToApportionToNobody() {
        assertThatThrownBy(() -> SharedCostApportioner.apportion(Money.of("1"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SharedCostApportioner.apportion(Money.of("1"), Map.of("a", BigInteger.ZERO)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
