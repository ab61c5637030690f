package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

class FocusCsvTest {

    @Test
    void shouldReadQuotedFieldsEscapedQuotesLineBreaksAndSkipBlankLines() {
        FocusCsv csv = FocusCsv.parse("A,B,C,D\r\n"
                + "\"x, y\",\"say \"\"hi\"\"\",NULL,0.00000080000\r\n"
                + "\r\n"
                + "\"two\nlines\",\"NULL\",,-1\n");

        assertThat(csv.header()).containsExactly("A", "B", "C", "D");
        assertThat(csv.rows()).hasSize(2);
        ObjectNode first = csv.toJson(csv.rows().get(0));
        assertThat(first.get("A").textValue()).isEqualTo("x, y");
        assertThat(first.get("B").textValue()).isEqualTo("say \"hi\"");
        assertThat(first.get("C").isNull()).isTrue();
        assertThat(first.get("D").decimalValue()).isEqualTo(new java.math.BigDecimal("0.00000080000"));
        assertThat(new String(csv.toJsonBytes(csv.rows().get(0)), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"D\":0.00000080000");
        ObjectNode second = csv.toJson(csv.rows().get(1));
        assertThat(second.get("A").textValue()).isEqualTo("two\nlines");
        assertThat(second.get("B").textValue()).as("a quoted NULL is text").isEqualTo("NULL");
        assertThat(second.get("C").textValue()).isEmpty();
        assertThat(csv.rows().get(1).line()).isEqualTo(4);
    }

    @Test
    void shouldRefuseRowsWithTheWrongNumberOfFields() {
        assertThatThrownBy(() -> FocusCsv.parse("A,B\n1,2,3\n")).hasMessageContaining("Line 2 has 3 fields");
    }
}
