package io.spendstream.microbench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** A realistic metered FOCUS row (AWS-style hourly usage line with tags), as JSON bytes on spend.usage.raw. */
final class SampleRows {

    static final long EVENT_TIME_MS = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    private static final String FOCUS_ROW = """
            {"BillingAccountId":"1234567890123","SubAccountId":"51738928782","BillingCurrency":"USD",
             "ChargePeriodStart":"2026-11-23 09:00:00","ChargePeriodEnd":"2026-11-23 10:00:00",
             "ChargeCategory":"Usage","ChargeClass":null,"ChargeDescription":"$0.40 per million requests",
             "EffectiveCost":"0.00000080000","BilledCost":"0.00000080000","ListCost":"0.00000080000",
             "PricingQuantity":"2","PricingUnit":"Requests","ProviderName":"AWS",
             "ServiceName":"Amazon Simple Queue Service","ResourceId":"arn:aws:sqs:us-west-2:347410479675:orders",
             "SkuId":"G95FST5FTYV3JSRX","SkuPriceId":"G95FST5FTYV3JSRX.JRTCKXETXF.VXGXCWQKTY",
             "RegionId":"us-west-2","Tags":"{\\"application\\": \\"checkout\\", \\"team\\": \\"payments\\"}"}
            """;

    private SampleRows() {
    }

    static byte[] focusRow() {
        return FOCUS_ROW.getBytes(StandardCharsets.UTF_8);
    }
}
