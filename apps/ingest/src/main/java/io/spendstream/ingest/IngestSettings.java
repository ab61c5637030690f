package io.spendstream.ingest;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.input.InputLimits;

/**
 * The settings ingest reads from the app configuration.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.reporting.currency}</td><td>{@code USD}</td><td>the currency of every amount written to
 *     {@code spend.cost}; rows in another currency are converted with {@code spend.fx-rates}</td></tr>
 * <tr><td>{@code spendstream.ingest.identity.retention}</td><td>the billing horizon
 *     ({@code spendstream.billing.horizon}, 65d)</td><td>how long a charge identity is remembered after its row was
 *     last seen (Kafka timestamp of the raw row, i.e. stream time): a re-send or restatement within it is
 *     recognised, one after it counts again. It follows the billing horizon, so every restatement the rest of the
 *     pipeline still books is booked as a delta, never as a second charge.</td></tr>
 * <tr><td>{@code spendstream.attribution.max-spread}</td><td>{@code 1d}</td><td>attribution's setting, read here too:
 *     a FOCUS row whose charge period is at most this long is spread over windows, so its ChargePeriodEnd may lie no
 *     further after the record's timestamp than {@code spendstream.input.future-tolerance}</td></tr>
 * </table>
 * Estimates and the bill: {@link EstimateSettings}. Text length and time limits of the inputs: {@link InputLimits}.
 */
public record IngestSettings(String reportingCurrency, Duration identityRetention, EstimateSettings estimates,
        InputLimits limits, Duration spreadLimit) {

    public static final String REPORTING_CURRENCY = "spendstream.reporting.currency";
    public static final String DEFAULT_REPORTING_CURRENCY = "USD";
    public static final String IDENTITY_RETENTION = "spendstream.ingest.identity.retention";
    /** Attribution's {@code AttributionSettings.MAX_SPREAD}: ingest cannot depend on the attribution app. */
    public static final String SPREAD_LIMIT = "spendstream.attribution.max-spread";
    public static final Duration DEFAULT_SPREAD_LIMIT = Duration.ofDays(1);

    private static final Pattern ISO_4217 = Pattern.compile("[A-Z]{3}");

    public IngestSettings {
        if (reportingCurrency == null || !ISO_4217.matcher(reportingCurrency).matches()) {
            throw new IllegalArgumentException("Setting " + REPORTING_CURRENCY + "=" + reportingCurrency
                    + " is not an ISO 4217 currency code such as USD");
        }
        if (identityRetention == null || identityRetention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("Setting " + IDENTITY_RETENTION + "=" + identityRetention
                    + " must be at least 1h: restatements arrive hours to weeks after the first version");
        }
    }

    public static IngestSettings from(SpendstreamConfig config) {
        return new IngestSettings(config.get(REPORTING_CURRENCY, DEFAULT_REPORTING_CURRENCY).trim()
                .toUpperCase(Locale.ROOT), config.getDuration(IDENTITY_RETENTION, BillingHorizon.from(config).span()),
                EstimateSettings.from(config), InputLimits.from(config),
                config.getDuration(SPREAD_LIMIT, DEFAULT_SPREAD_LIMIT));
    }
}
