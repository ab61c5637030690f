package io.spendstream.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Test-side reader of FOCUS CSV exports (RFC 4180: quoted fields, {@code ""} escapes, line breaks inside quotes,
 * blank lines skipped) that turns each row into the JSON object a collector would put on {@code spend.usage.raw}.
 * Like common CSV-to-JSON converters, an unquoted {@code NULL} becomes JSON null, an unquoted number becomes a JSON
 * number, and everything else (including quoted numbers) a JSON string.
 */
final class FocusCsv {

    /** One data row: its 1-based line number in the file, raw cells, and which cells were quoted. */
    record Row(int line, List<String> cells, List<Boolean> quoted) {
    }

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private final List<String> header;
    private final List<Row> rows;

    private FocusCsv(List<String> header, List<Row> rows) {
        this.header = header;
        this.rows = rows;
    }

    static FocusCsv read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FocusCsv parse(String text) {
        List<Row> records = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        List<Boolean> quoted = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean inQuotes = false;
        boolean cellQuoted = false;
        int line = 1;
        int recordLine = 1;
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    inQuotes = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append(c);
                }
            } else if (c == '"') {
                inQuotes = true;
                cellQuoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                quoted.add(cellQuoted);
                cell.setLength(0);
                cellQuoted = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                endRecord(records, cells, quoted, cell, cellQuoted, recordLine);
                cells = new ArrayList<>();
                quoted = new ArrayList<>();
                cellQuoted = false;
                line++;
                recordLine = line;
            } else {
                cell.append(c);
            }
        }
        if (inQuotes) {
            throw new IllegalArgumentException("Unterminated quoted field starting on line " + recordLine);
        }
        endRecord(records, cells, quoted, cell, cellQuoted, recordLine);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("No header row");
        }
        List<String> header = records.get(0).cells();
        List<Row> data = records.subList(1, records.size());
        for (Row row : data) {
            if (row.cells().size() != header.size()) {
                throw new IllegalArgumentException("Line " + row.line() + " has " + row.cells().size()
                        + " fields; the header has " + header.size());
            }
        }
        return new FocusCsv(header, List.copyOf(data));
    }

    private static void endRecord(List<Row> records, List<String> cells, List<Boolean> quoted, StringBuilder cell,
            boolean cellQuoted, int line) {
        cells.add(cell.toString());
        quoted.add(cellQuoted);
        cell.setLength(0);
        boolean blank = cells.size() == 1 && cells.get(0).isEmpty() && !cellQuoted;
        if (!blank) {
            records.add(new Row(line, cells, quoted));
        }
    }

    List<String> header() {
        return header;
    }

    List<Row> rows() {
        return rows;
    }

    /** The raw text of one column of a row (null if the file has no such column). */
    String cell(Row row, String column) {
        int index = header.indexOf(column);
        return index < 0 ? null : row.cells().get(index);
    }

    ObjectNode toJson(Row row) {
        // Jackson 2.15+ node factories keep a BigDecimal's scale: 0.00000080000 is written as in the file.
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < header.size(); i++) {
            String value = row.cells().get(i);
            boolean wasQuoted = row.quoted().get(i);
            if (!wasQuoted && value.equals("NULL")) {
                json.putNull(header.get(i));
            } else if (!wasQuoted && JSON_NUMBER.matcher(value).matches()) {
                json.put(header.get(i), new BigDecimal(value));
            } else {
                json.put(header.get(i), value);
            }
        }
        return json;
    }

    byte[] toJsonBytes(Row row) {
        return bytes(toJson(row));
    }

    static byte[] bytes(ObjectNode json) {
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
