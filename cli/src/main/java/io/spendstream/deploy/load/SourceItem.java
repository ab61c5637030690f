package io.spendstream.deploy.load;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a {@link RowSource} yields for each record of a file: a row to shape and send, or a rejection. */
public sealed interface SourceItem permits SourceItem.InputRow, SourceItem.Rejection {

    /** Line of the file where the record starts (1-based; the CSV header is line 1). */
    long line();

    /** One record as a JSON object, column name to value (CSV values are text or null). */
    record InputRow(long line, ObjectNode fields) implements SourceItem {
    }

    /** A record the loader refuses, with a reason code (as in {@code spend.dlq}) and a message a person can act on. */
    record Rejection(long line, String reason, String message) implements SourceItem {
    }
}
