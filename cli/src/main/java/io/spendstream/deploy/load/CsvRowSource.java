package io.spendstream.deploy.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rows of a CSV file whose first record is a header of column names: each record becomes a JSON object of text
 * values, with empty fields and {@code NULL} (any case) as JSON null. A record with a different number of fields
 * than the header, or that is not valid CSV, is a {@link SourceItem.Rejection}.
 */
final class CsvRowSource implements RowSource {

    static final String INVALID_CSV = "invalid-csv";
    static final String WRONG_COLUMN_COUNT = "wrong-column-count";

    private final CsvReader csv;
    private final LongSupplier bytesRead;
    private final List<String> header;

    private CsvRowSource(CsvReader csv, LongSupplier bytesRead, List<String> header) {
        this.csv = csv;
        this.bytesRead = bytesRead;
        this.header = header;
    }

    /** Reads the header. @throws LoadException if there is none, or it is unusable (blank or repeated names) */
    static CsvRowSource open(CsvReader csv, LongSupplier bytesRead, Path file) {
        CsvReader.CsvRecord header;
        try {
            header = csv.next();
        } catch (CsvReader.MalformedCsvException e) {
            throw new LoadException(file + ": the header (line " + e.line() + ") is not valid CSV: " + e.getMessage());
        } catch (IOException e) {
            throw new LoadException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (header == null) {
            throw new LoadException(file + " is empty: expected a header row of column names");
        }
        Set<String> seen = new HashSet<>();
        for (String name : header.fields()) {
            if (name.isBlank()) {
                throw new LoadException(file + ": the header (line " + header.line() + ") has a blank column name");
            }
            if (!seen.add(name.trim().toLowerCase(Locale.ROOT))) {
                throw new LoadException(file + ": the header (line " + header.line() + ") names column '"
                        + name.trim() + "' twice");
            }
        }
        return new CsvRowSource(csv, bytesRead, header.fields().stream().map(String::trim).toList());
    }

    @Override
    public SourceItem next() throws IOException {
        CsvReader.CsvRecord record;
        try {
            record = csv.next();
        } catch (CsvReader.MalformedCsvException e) {
            return new SourceItem.Rejection(e.line(), INVALID_CSV, e.getMessage());
        }
        if (record == null) {
            return null;
        }
        List<String> values = record.fields();
        if (values.size() != header.size()) {
            return new SourceItem.Rejection(record.line(), WRONG_COLUMN_COUNT, "has " + values.size()
                    + " fields, the header has " + header.size());
        }
        ObjectNode row = LoadJson.MAPPER.createObjectNode();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (LoadJson.isNullText(value)) {
                row.putNull(header.get(i));
            } else {
                row.put(header.get(i), value);
            }
        }
        return new SourceItem.InputRow(record.line(), row);
    }

    @Override
    public long bytesRead() {
        return bytesRead.getAsLong();
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
