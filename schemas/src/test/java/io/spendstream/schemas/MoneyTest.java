package io.spendstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void shouldPutEveryAmountAtTheWireScaleWithoutChangingItsValue() {
        BigDecimal amount = Money.of("12.5");

        assertThat(amount.scale()).isEqualTo(Money.SCALE);
        assertThat(amount).isEqualByComparingTo("12.5");
        assertThat(amount.toPlainString()).isEqualTo("12.500000000000");
    }

    @Test
    void shouldKeepPerRequestPricesExact() {
        assertThat(Money.of("0.0000004").toPlainString()).isEqualTo("0.000000400000");
    }

    @Test
    void shouldRoundHalfEvenOnlyBeyondTwelveDecimalPlaces() {
        assertThat(Money.of("0.0000000000005").toPlainString()).isEqualTo("0.000000000000");
        assertThat(Money.of("0.0000000000015").toPlainString()).isEqualTo("0.000000000002");
        assertThat(Money.of("0.0000000000025").toPlainString()).isEqualTo("0.000000000002");
        assertThat(Money.of("0.0000000000026").toPlainString()).isEqualTo("0.000000000003");
    }

    @Test
    void shouldCompactADecodedAmountToTheSameValueAtTheWireScale() {
        // As Avro decodes a decimal: from its unscaled BigInteger.
        BigDecimal decoded = new BigDecimal(new java.math.BigInteger("123456789012345678"), Money.SCALE);
        BigDecimal negative = new BigDecimal(new java.math.BigInteger("-42000000000001"), Money.SCALE);
        BigDecimal beyondALong = new BigDecimal(new java.math.BigInteger("98765432109876543210"), Money.SCALE);

        assertThat(Money.compact(decoded)).isEqualTo(decoded).hasToString("123456.789012345678");
        assertThat(Money.compact(negative)).isEqualTo(negative).hasToString("-42.000000000001");
        assertThat(Money.compact(beyondALong)).isEqualTo(beyondALong).hasToString("98765432.109876543210");
        assertThat(Money.compact(new BigDecimal("0.5"))).isEqualTo(Money.of("0.5"));
        assertThat(Money.compact(new BigDecimal("0.0000000000015"))).isEqualTo(Money.of("0.000000000002"));
    }

    @Test
    void shouldCountMissingAmountsAsZeroWhenAdding() {
        assertThat(Money.add(null, new BigDecimal("1.10"))).isEqualTo(Money.of("1.1"));
        assertThat(Money.add(new BigDecimal("2"), null)).isEqualTo(Money.of("2"));
        assertThat(Money.add(null, null)).isEqualTo(Money.ZERO);
        assertThat(Money.add(new BigDecimal("0.1"), new BigDecimal("0.2"))).isEqualTo(Money.of("0.3"));
    }

    @Test
    void shouldDivideAtTheWireScaleAndAnswerNullForZeroDivisor() {
        assertThat(Money.divide(Money.of("10"), 3)).isEqualTo(new BigDecimal("3.333333333333"));
        assertThat(Money.divide(Money.of("2"), 3)).isEqualTo(new BigDecimal("0.666666666667"));
        assertThat(Money.divide(Money.of("10"), 0)).isNull();
    }

    @Test
    void shouldTellWhetherAnAmountFitsDecimal38Scale12() {
        // 26 integer digits + 12 decimals = 38 digits: the largest magnitude the wire type holds.
        assertThat(Money.fits(new BigDecimal("9".repeat(26)))).isTrue();
        assertThat(Money.fits(new BigDecimal("9".repeat(27)))).isFalse();
        assertThat(Money.fits(new BigDecimal("-" + "9".repeat(26) + ".5"))).isTrue();
    }
}
