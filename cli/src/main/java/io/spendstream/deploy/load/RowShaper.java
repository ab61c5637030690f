package io.spendstream.deploy.load;

/** Turns one input row into the record to send for one kind of load (usage, tags, budgets, prices, FX rates). */
@FunctionalInterface
public interface RowShaper {

    /** @throws RowRejectedException for a row that must not be sent, saying why */
    OutgoingRecord shape(SourceItem.InputRow row);
}
