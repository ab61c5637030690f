package io.spendstream.ingest;

import java.util.Locale;
import java.util.regex.Pattern;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The settings ingest reads from the app configuration.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.reporting.currency}</td><td>{@code USD}</td><td>the currency of every amount written;
 *     until FX conversion lands, rows and APM revenue in any other currency are dead-lettered as
 *     {@code unknown-currency}</td></tr>
 * </table>
 */
public record IngestSettings(String reportingCurrency) {

    public static final String REPORTING_CURRENCY = "spendstream.reporting.currency";
    public static final String DEFAULT_REPORTING_CURRENCY = "USD";

    private static final Pattern ISO_4217 = Pattern.compile("[A-Z]{3}");

    public IngestSettings {
        if (reportingCurrency == null || !ISO_4217.matcher(reportingCurrency).matches()) {
            throw new IllegalArgumentException("Setting " + REPORTING_CURRENCY + "=" + reportingCurrency
                    + " is not an ISO 4217 currency code such as USD");
        }
    }

    public static IngestSettings from(SpendstreamConfig config) {
        return new IngestSettings(config.get(REPORTING_CURRENCY, DEFAULT_REPORTING_CURRENCY).trim()
                .toUpperCase(Locale.ROOT));
    }
}
