package io.spendstream.anomaly.detector;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The new-spend rule: a series without a learned baseline (a service, team or the unallocated spend never seen
 * before, or seen too little to have one) is judged on an absolute rate instead of against its own history.
 *
 * @param ticketPerHour  a new series spending at least this much per hour, in its latest two windows each, opens a
 *                       TICKET (the whole rate is excess: nothing was expected of it)
 * @param pagePerHour    at least this much per hour in both windows opens a PAGE
 * @param estateWarmup   the rule is on only once the estate (every series of the task) has been watched this long in
 *                       event time: at the first start of Spendstream on an existing estate every series is new, and
 *                       none of them is new spend. {@code 0s} turns the rule off
 */
public record NewSpendSettings(BigDecimal ticketPerHour, BigDecimal pagePerHour, Duration estateWarmup) {

    public NewSpendSettings {
        if (ticketPerHour == null || pagePerHour == null || ticketPerHour.signum() <= 0 || pagePerHour.signum() <= 0) {
            throw new IllegalArgumentException("new-spend ticket and page rates must be positive amounts per hour");
        }
        if (pagePerHour.compareTo(ticketPerHour) < 0) {
            throw new IllegalArgumentException("new-spend page rate " + pagePerHour + " is below its ticket rate "
                    + ticketPerHour);
        }
        if (estateWarmup == null || estateWarmup.isNegative()) {
            throw new IllegalArgumentException("estate warm-up must not be negative");
        }
    }

    /**
     * Ticket from 25 USD/h, page from 100 USD/h (the cost spike's {@code page-per-hour}: 100 USD/h of new spend is
     * as urgent as 100 USD/h of excess), after one hour of the estate: a continuous series learns its baseline in
     * about 20 minutes (10 windows plus the settle horizon), so an hour leaves every steady series of the estate warm.
     */
    public static NewSpendSettings defaults() {
        return new NewSpendSettings(new BigDecimal("25"), new BigDecimal("100"), Duration.ofHours(1));
    }

    public boolean enabled() {
        return !estateWarmup.isZero();
    }
}
