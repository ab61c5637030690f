package io.spendstream.attribution;

import java.math.BigDecimal;

import io.spendstream.schemas.Money;

/**
 * A team's showback in one window: its own (direct) cost and its apportioned part of shared infrastructure, both
 * exact at {@link Money#SCALE}.
 */
public record Showback(BigDecimal direct, BigDecimal shared) {

    public static final Showback ZERO = new Showback(Money.ZERO, Money.ZERO);

    public Showback {
        direct = Money.of(direct);
        shared = Money.of(shared);
    }

    public BigDecimal total() {
        return Money.add(direct, shared);
    }

    public Showback plus(Showback other) {
        return new Showback(Money.add(direct, other.direct), Money.add(shared, other.shared));
    }

    public Showback minus(Showback other) {
        return new Showback(direct.subtract(other.direct), shared.subtract(other.shared));
    }
}
