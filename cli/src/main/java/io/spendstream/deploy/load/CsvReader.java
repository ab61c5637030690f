package io.spendstream.deploy.load;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV one record at a time: fields separated by commas, optionally enclosed in double quotes, a
 * doubled quote ({@code ""}) inside a quoted field is one quote, and quoted fields may hold commas and line breaks.
 * Records end at CRLF, LF or a lone CR. Two relaxations, because real exports (including the FOCUS 1.2 examples)
 * have them: blank lines between records are skipped, and a UTF-8 byte-order mark before the header is ignored.
 *
 * <p>Anything else that RFC 4180 forbids (a quote inside an unquoted field, text after a closing quote, a quote
 * never closed) is a {@link MalformedCsvException} naming the line where the record starts. The reader then resumes
 * at the next physical line, so one bad record costs one record, except an unclosed quote, which swallows the rest
 * of the file and is reported as such.
 *
 * <p>Field values are returned exactly as written (no trimming, no null conventions): those belong to the caller.
 */
public final class CsvReader implements Closeable {

    private static final int NOT_PEEKED = -2;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final Reader in;
    private long line = 1;
    private int peeked = NOT_PEEKED;
    private boolean started;

    /** {@code in} should be buffered; the reader reads it one character at a time. */
    public CsvReader(Reader in) {
        this.in = in;
    }

    /** One record: its fields and the (1-based) physical line on which it starts. */
    public record CsvRecord(long line, List<String> fields) {
    }

    /** A record that is not valid CSV, at the line where it starts. */
    public static final class MalformedCsvException extends Exception {

        private final long line;

        MalformedCsvException(long line, String message) {
            super(message);
            this.line = line;
        }

        public long line() {
            return line;
        }
    }

    /**
     * The next record, or null at the end of the input.
     *
     * @throws MalformedCsvException for a record that is not valid CSV; the next call continues after it
     */
    public CsvRecord next() throws IOException, MalformedCsvException {
        skipByteOrderMark();
        skipBlankLines();
        if (peek() == -1) {
            return null;
        }
        long start = line;
        List<String> fields = new ArrayList<>();
        while (true) {
            StringBuilder field = new StringBuilder();
            int end = peek() == '"' ? readQuoted(field, start, fields.size() + 1) : readUnquoted(field, start,
                    fields.size() + 1);
            fields.add(field.toString());
            if (end != ',') {
                return new CsvRecord(start, List.copyOf(fields));
            }
        }
    }

    /** Reads an unquoted field; returns ',' if another field follows, else -1 (end of record, newline consumed). */
    private int readUnquoted(StringBuilder field, long start, int fieldNumber) throws IOException,
            MalformedCsvException {
        while (true) {
            int c = peek();
            if (c == ',') {
                read();
                return ',';
            }
            if (c == -1 || c == '\n' || c == '\r') {
                consumeLineBreak();
                return -1;
            }
            if (c == '"') {
                skipRestOfLine();
                throw new MalformedCsvException(start, "quote inside unquoted field " + fieldNumber
                        + " (a field containing quotes must be quoted as a whole, with each quote doubled)");
            }
            field.append((char) read());
        }
    }

    /** Reads a quoted field, opening quote next; returns like {@link #readUnquoted}. */
    private int readQuoted(StringBuilder field, long start, int fieldNumber) throws IOException,
            MalformedCsvException {
        read();
        while (true) {
            int c = read();
            if (c == -1) {
                throw new MalformedCsvException(start, "quoted field " + fieldNumber
                        + " is never closed: the rest of the file (to line " + line + ") was read as part of it");
            }
            if (c == '"') {
                if (peek() == '"') {
                    read();
                    field.append('"');
                    continue;
                }
                break;
            }
            if (c == '\r' || c == '\n') {
                // A line break inside quotes is part of the value; keep it as written, count the line.
                field.append((char) c);
                if (c == '\r' && peek() == '\n') {
                    field.append((char) read());
                }
                line++;
                continue;
            }
            field.append((char) c);
        }
        int after = peek();
        if (after == ',') {
            read();
            return ',';
        }
        if (after == -1 || after == '\n' || after == '\r') {
            consumeLineBreak();
            return -1;
        }
        skipRestOfLine();
        throw new MalformedCsvException(start, "unexpected '" + (char) after + "' after the closing quote of field "
                + fieldNumber + " (a quote inside a quoted field must be doubled)");
    }

    private void skipByteOrderMark() throws IOException {
        if (!started) {
            started = true;
            if (peek() == BYTE_ORDER_MARK) {
                read();
            }
        }
    }

    private void skipBlankLines() throws IOException {
        while (peek() == '\n' || peek() == '\r') {
            consumeLineBreak();
        }
    }

    private void skipRestOfLine() throws IOException {
        while (peek() != -1 && peek() != '\n' && peek() != '\r') {
            read();
        }
        consumeLineBreak();
    }

    /** Consumes one CRLF, LF or CR if next (nothing at end of input) and counts the line. */
    private void consumeLineBreak() throws IOException {
        int c = peek();
        if (c == -1) {
            return;
        }
        read();
        if (c == '\r' && peek() == '\n') {
            read();
        }
        line++;
    }

    private int peek() throws IOException {
        if (peeked == NOT_PEEKED) {
            peeked = in.read();
        }
        return peeked;
    }

    private int read() throws IOException {
        int c = peek();
        peeked = NOT_PEEKED;
        return c;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
