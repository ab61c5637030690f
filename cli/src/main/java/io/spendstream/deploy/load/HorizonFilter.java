package io.spendstream.deploy.load;

import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.schemas.DeadLetterReasons;

/**
 * Holds back the rows of a usage file that the pipeline would dead-letter as older than the billing horizon
 * ({@link BillingHorizonCheck}): each is reported as rejected with its line and reason
 * {@value DeadLetterReasons.Attribution#OUTSIDE_BILLING_HORIZON}, so the summary and the exit code never count it as
 * loaded.
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
        if (check.isOutside(row)) {
            throw new RowRejectedException(DeadLetterReasons.Attribution.OUTSIDE_BILLING_HORIZON, "ChargePeriodStart "
                    + BillingHorizonCheck.chargePeriodStart(row) + " is older than the billing horizon: not sent");
        }
        return shaper.shape(row);
    }
}
