package io.spendstream.deploy.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spendstream load}: files into Spendstream's input topics. {@code usage} sends FOCUS rows (CSV or JSON
 * lines) as JSON to {@code spend.usage.raw}; {@code tags}, {@code budgets}, {@code prices} and {@code fx} send
 * reference data to the compacted {@code spend.tags}, {@code spend.budgets}, {@code spend.prices} and
 * {@code spend.fx-rates}, in the JSON shapes of the product spec. Rows the loader rejects are reported by line and
 * not sent; rows it sends are parsed by the pipeline, whose dead-letter topic {@code spend.dlq} catches anything
 * the loader let through.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load a file into a Spendstream input topic: FOCUS usage, tags, budgets, "
        + "prices or FX rates. Prints a summary; exit code 0 all rows sent, 1 some rejected, 2 nothing sent.",
        subcommands = {LoadCommand.Usage.class, LoadCommand.Tags.class, LoadCommand.Budgets.class,
                LoadCommand.Prices.class, LoadCommand.Fx.class})
public final class LoadCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "FOCUS 1.0-1.2 billing rows (CSV export with a header, NULL or empty "
            + "= null; or JSON lines) to spend.usage.raw, keyed by x_LineItemId, else ResourceId.")
    static final class Usage extends LoadFileCommand {

        @Option(names = "--currency", paramLabel = "CODE", description = "BillingCurrency for rows that have none "
                + "(the FOCUS 1.2 worked examples omit it).")
        String currency;

        @Option(names = "--no-validate", description = "Do not check rows with ingest's FOCUS parser before "
                + "sending; bad rows then land in spend.dlq instead of being reported here.")
        boolean noValidate;

        @Override
        LoadKind kind() {
            return LoadKind.USAGE;
        }

        @Override
        String defaultCurrency() {
            return currency;
        }

        @Override
        boolean validate() {
            return !noValidate;
        }
    }

    @Command(name = "tags", mixinStandardHelpOptions = true,
            description = "Resource tags to spend.tags: a ResourceId column (JSON lines: "
            + "resourceId) plus service, team, product, environment, costCenter, shared, validFrom.")
    static final class Tags extends LoadFileCommand {

        @Option(names = "--no-validate", description = "Do not check rows with enrich's tag parser before sending.")
        boolean noValidate;

        @Override
        LoadKind kind() {
            return LoadKind.TAGS;
        }

        @Override
        boolean validate() {
            return !noValidate;
        }
    }

    @Command(name = "budgets", mixinStandardHelpOptions = true,
            description = "Budgets to spend.budgets: scope (e.g. team:payments), amount, "
            + "currency, period, alertAt (e.g. 0.5;0.75;0.9;1.0).")
    static final class Budgets extends LoadFileCommand {

        @Option(names = "--currency", paramLabel = "CODE", description = "Currency for rows that have none.")
        String currency;

        @Override
        LoadKind kind() {
            return LoadKind.BUDGETS;
        }

        @Override
        String defaultCurrency() {
            return currency;
        }
    }

    @Command(name = "prices", mixinStandardHelpOptions = true,
            description = "Unit prices to spend.prices: SkuPriceId, unitPrice, currency, "
            + "pricingUnit; or a model price list (GenAI): provider, model, currency, inputPerMillionTokens, "
            + "outputPerMillionTokens, cachedInputPerMillionTokens, cacheWritePerMillionTokens, perRequest.")
    static final class Prices extends LoadFileCommand {

        @Option(names = "--currency", paramLabel = "CODE", description = "Currency for rows that have none.")
        String currency;

        @Override
        LoadKind kind() {
            return LoadKind.PRICES;
        }

        @Override
        String defaultCurrency() {
            return currency;
        }
    }

    @Command(name = "fx", mixinStandardHelpOptions = true,
            description = "FX rates to spend.fx-rates: currency (the key), rate (units of reporting "
            + "currency per unit), asOf.")
    static final class Fx extends LoadFileCommand {

        @Override
        LoadKind kind() {
            return LoadKind.FX;
        }
    }
}
