package io.spendstream.deploy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvReaderTest {

    @Test
    void shouldSplitPlainAndQuotedFields() throws Exception {
        List<CsvReader.CsvRecord> records = readAll("a,b,c\n1,\"two\",3\n");

        assertThat(records).extracting(CsvReader.CsvRecord::fields)
                .containsExactly(List.of("a", "b", "c"), List.of("1", "two", "3"));
    }

    @Test
    void shouldKeepCommasAndDoubledQuotesInsideQuotedFields() throws Exception {
        List<CsvReader.CsvRecord> records = readAll(
                "Tags,Desc\n\"{\"\"application\"\": \"\"A\"\", \"\"env\"\": \"\"dev\"\"}\",\"$0.40, per million\"\n");

        assertThat(records.get(1).fields())
                .containsExactly("{\"application\": \"A\", \"env\": \"dev\"}", "$0.40, per million");
    }

    @Test
    void shouldKeepLineBreaksInsideQuotedFieldsAndNumberRecordsByTheirFirstLine() throws Exception {
        List<CsvReader.CsvRecord> records = readAll("a,b\r\n\"line one\r\nline two\",x\r\ny,z\r\n");

        assertThat(records.get(1).fields()).containsExactly("line one\r\nline two", "x");
        assertThat(records).extracting(CsvReader.CsvRecord::line).containsExactly(1L, 2L, 4L);
    }

    @Test
    void shouldReturnFieldsVerbatimIncludingNullTextAndEmptyValues() throws Exception {
        List<CsvReader.CsvRecord> records = readAll("a,b,c,d\nNULL,,\"\",\"NULL\"\n");

        assertThat(records.get(1).fields()).containsExactly("NULL", "", "", "NULL");
    }

    @Test
    void shouldEndRecordsAtLoneCarriageReturnAndAtEndOfInputWithoutLineBreak() throws Exception {
        List<CsvReader.CsvRecord> records = readAll("a,b\r1,2\r3,4");

        assertThat(records).extracting(CsvReader.CsvRecord::fields)
                .containsExactly(List.of("a", "b"), List.of("1", "2"), List.of("3", "4"));
        assertThat(records.get(2).line()).isEqualTo(3);
    }

    @Test
    void shouldSkipBlankLinesAndByteOrderMarkButCountTheirLines() throws Exception {
        List<CsvReader.CsvRecord> records = readAll("\uFEFFa,b\n\n1,2\n\n\n3,4\n");

        assertThat(records.get(0).fields()).containsExactly("a", "b");
        assertThat(records).extracting(CsvReader.CsvRecord::line).containsExactly(1L, 3L, 6L);
    }

    @Test
    void shouldReportQuoteInsideUnquotedFieldAndResumeOnTheNextLine() throws Exception {
        CsvReader reader = new CsvReader(new StringReader("a,b\nx,ab\"c\n1,2\n"));
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(CsvReader.MalformedCsvException.class,
                e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("quote inside unquoted field 2");
                });
        CsvReader.CsvRecord next = reader.next();
        assertThat(next.fields()).containsExactly("1", "2");
        assertThat(next.line()).isEqualTo(3);
    }

    @Test
    void shouldReportTextAfterClosingQuote() throws Exception {
        CsvReader reader = new CsvReader(new StringReader("\"ab\"c,d\nok,ok\n"));

        assertThatThrownBy(reader::next).isInstanceOf(CsvReader.MalformedCsvException.class)
                .hasMessageContaining("after the closing quote of field 1");
        assertThat(reader.next().fields()).containsExactly("ok", "ok");
    }

    @Test
    void shouldReportUnclosedQuoteAtTheLineWhereTheRecordStarts() throws Exception {
        CsvReader reader = new CsvReader(new StringReader("a,b\n1,\"never closed\n3,4\n5,6\n"));
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(CsvReader.MalformedCsvException.class,
                e -> assertThat(e.line()).isEqualTo(2)).hasMessageContaining("never closed");
        assertThat(reader.next()).isNull();
    }

    @Test
    void shouldReturnNullForEmptyInput() throws Exception {
        assertThat(new CsvReader(new StringReader("")).next()).isNull();
    }

    private static List<CsvReader.CsvRecord> readAll(String csv) throws IOException,
            CsvReader.MalformedCsvException {
        List<CsvReader.CsvRecord> records = new ArrayList<>();
        try (CsvReader reader = new CsvReader(new StringReader(csv))) {
            CsvReader.CsvRecord record;
            while ((record = reader.next()) != null) {
                records.add(record);
            }
        }
        return records;
    }
}
