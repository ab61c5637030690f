/**
 * {@code spendstream load}: files into Spendstream's input topics.
 *
 * <h2>Formats</h2>
 * A file whose name ends in {@code .jsonl}, {@code .ndjson} or {@code .json} holds one JSON object per line (blank
 * lines skipped; JSON types kept, decimals exact). Anything else is CSV per RFC 4180 with a header row of column
 * names: fields may be quoted, {@code ""} is a quote inside a quoted field, quoted fields may hold commas and line
 * breaks; blank lines and a UTF-8 byte-order mark are tolerated. An empty field or {@code NULL} (any case) is JSON
 * null. Every other CSV value is sent as a JSON string, so {@code 0.00000080000} arrives exactly as written.
 *
 * <h2>What goes where</h2>
 * <table>
 * <caption>Kinds of load</caption>
 * <tr><th>command</th><th>topic</th><th>key</th><th>value</th></tr>
 * <tr><td>{@code load usage}</td><td>{@code spend.usage.raw}</td><td>{@code x_LineItemId}, else {@code ResourceId},
 *     else none</td><td>the FOCUS row; {@code Tags} JSON text becomes an object; {@code --currency} fills a missing
 *     {@code BillingCurrency}</td></tr>
 * <tr><td>{@code load tags}</td><td>{@code spend.tags}</td><td>{@code ResourceId} ({@code resourceId})</td>
 *     <td>service, team, product, environment, costCenter, shared (boolean), validFrom</td></tr>
 * <tr><td>{@code load budgets}</td><td>{@code spend.budgets}</td><td>{@code scope}</td>
 *     <td>amount (string), currency, period, alertAt (array; CSV {@code 0.5;0.75;0.9;1.0})</td></tr>
 * <tr><td>{@code load prices}</td><td>{@code spend.prices}</td><td>{@code SkuPriceId}</td>
 *     <td>unitPrice (string), currency, pricingUnit</td></tr>
 * <tr><td>{@code load fx}</td><td>{@code spend.fx-rates}</td><td>{@code currency}</td>
 *     <td>rate (string, units of reporting currency per unit), asOf</td></tr>
 * </table>
 * Topic names follow {@code spendstream.topic.*} like every other command. The topic must exist (the apps create
 * their topics at start-up).
 *
 * <h2>Rejected rows and the dead-letter topic</h2>
 * The loader refuses, reports by line and does not send: records that are not valid CSV ({@code invalid-csv}), have
 * a different number of fields than the header ({@code wrong-column-count}), lines that are not JSON
 * ({@code invalid-json}) or not an object ({@code not-an-object}), rows without their key ({@code missing-key}) or
 * with a malformed reference field, and, unless {@code --no-validate}, usage rows that ingest's own
 * {@code FocusRowParser} rejects and tags that enrich's {@code TagJsonParser} rejects, with the pipeline's reason
 * codes. Two checks are left to the pipeline because only it knows: whether an FX rate exists for the row's
 * currency, and whether a metered row's SKU has a price. Everything the loader sends is parsed again by the
 * pipeline, and anything it lets through that the pipeline cannot use lands in {@code spend.dlq} with a reason,
 * never silently dropped.
 *
 * <h2>Output and exit code</h2>
 * Progress on stderr (a bar on a terminal, else a line every {@code --progress-every} rows); on stdout a summary:
 * rows read, sent, rejected (the first 20 with line and reason, then a count) and for usage the exact sum of
 * EffectiveCost per currency over the rows sent. Exit code 0 when every row was sent, 1 when some were rejected but
 * some sent, 2 when nothing was sent or the load could not start (one line on stderr, no stack trace).
 */
package io.spendstream.deploy.load;
