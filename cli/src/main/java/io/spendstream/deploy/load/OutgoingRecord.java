package io.spendstream.deploy.load;

import java.math.BigDecimal;

/**
 * One shaped record, ready to send: its key (may be null), the UTF-8 JSON value, and for usage rows the
 * EffectiveCost and BillingCurrency the summary adds up (null when the row has none, or for other kinds).
 */
public record OutgoingRecord(long line, String key, byte[] value, String currency, BigDecimal effectiveCost) {

    static OutgoingRecord of(long line, String key, byte[] value) {
        return new OutgoingRecord(line, key, value, null, null);
    }
}
