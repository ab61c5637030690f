package io.spendstream.deploy.load;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Runs one load: reads every record of a {@link RowSource}, shapes it with a {@link RowShaper} and hands it to a
 * {@link RecordSink}, counting everything in a {@link LoadSummary}. Rows the loader refuses (not valid CSV, wrong
 * number of columns, not JSON, or rejected by the pipeline's own parser when pre-validation is on) are reported and
 * not sent; rows it lets through are still checked by the pipeline, whose dead-letter topic catches anything wrong.
 * A row Kafka does not acknowledge is reported as {@code send-failed}.
 *
 * <p>Writes to the topic of the sink; keeps no state beyond the summary.
 */
final class FileLoader {

    static final String SEND_FAILED = "send-failed";

    private FileLoader() {
    }

    /**
     * Loads everything, or until {@code stopRequested} (Ctrl-C), then closes the source and the sink, waiting for
     * every acknowledgement so that the summary counts what Kafka really has.
     */
    static LoadSummary load(RowSource source, RowShaper shaper, RecordSink sink, Progress progress,
            BooleanSupplier stopRequested) {
        LoadSummary summary = new LoadSummary();
        try (source; sink) {
            SourceItem item;
            while ((item = next(source, summary)) != null) {
                if (stopRequested.getAsBoolean()) {
                    summary.stopped("interrupted after " + summary.read() + " rows; the rest of the file was not "
                            + "read");
                    break;
                }
                summary.rowRead();
                if (item instanceof SourceItem.Rejection rejection) {
                    summary.rejected(rejection);
                } else {
                    send((SourceItem.InputRow) item, shaper, sink, summary);
                }
                progress.update(summary, source.bytesRead());
            }
        } catch (IOException e) {
            summary.stopped("cannot close the file: " + e.getMessage());
        }
        progress.finish(summary, source.bytesRead());
        return summary;
    }

    private static SourceItem next(RowSource source, LoadSummary summary) {
        try {
            return source.next();
        } catch (IOException e) {
            summary.stopped("cannot read the rest of the file after row " + summary.read() + ": " + e);
            return null;
        }
    }

    private static void send(SourceItem.InputRow row, RowShaper shaper, RecordSink sink, LoadSummary summary) {
        OutgoingRecord record;
        try {
            record = shaper.shape(row);
        } catch (RowRejectedException e) {
            summary.rejected(new SourceItem.Rejection(row.line(), e.reason(), e.getMessage()));
            return;
        }
        sink.send(record, failure -> {
            if (failure == null) {
                summary.sent(record);
            } else {
                summary.rejected(new SourceItem.Rejection(record.line(), SEND_FAILED, failure.toString()));
            }
        });
    }
}
