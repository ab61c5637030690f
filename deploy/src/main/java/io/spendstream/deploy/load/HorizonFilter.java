package io.spendstream.deploy.load;

import java.time.Instant;

import io.spendstream.runtime.config.BillingHorizon;

/**
 * Holds back the rows of a usage file that the pipeline would dead-letter as older than the billing horizon
 * ({@link BillingHorizonCheck}): each is reported as rejected with its line and reason
 * {@value BillingHorizon#OUTSIDE_BILLING_HORIZON}, so the summary and the exit code never count it as loaded.
 */
final class HorizonFilter implements RowShaper {

    private final RowShaper shaper;
    private final BillingHorizonCheck check;

    HorizonFilter(RowShaper shaper, BillingHorizonCheck check) {
        this.shaper = shaper;
        this.check = check;
    }

    @Override
    public OutgoingRecord shape(SourceItem.InputRow row) {
        Instant start = BillingHorizonCheck.chargePeriodStart(row);
        if (start != null && check.isOutside(start)) {
            throw new RowRejectedException(BillingHorizon.OUTSIDE_BILLING_HORIZON, "ChargePeriodStart " + start
                    + " is before " + check.floor() + ", the oldest time the pipeline still counts: not sent");
        }
        return shaper.shape(row);
    }
}
