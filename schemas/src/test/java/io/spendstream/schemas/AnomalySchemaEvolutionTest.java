package io.spendstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyType;

/**
 * {@code COST_DROP}, then {@code BILL_MISMATCH}, then {@code UNPROFITABLE_SCALING}, {@code LATENCY_REVENUE_LOSS} and
 * the enum default {@code OTHER} were appended to {@code AnomalyType}. What that means for the registry (BACKWARD, its default, must
 * accept the new schema) and for the order of an upgrade (a reader without the symbol cannot read it).
 */
class AnomalySchemaEvolutionTest {

    /** The Anomaly schema released before the value types: without them and without the enum default. */
    private static final Schema BEFORE_VALUE = withoutSymbols(withoutSymbols(withoutSymbols(new Schema.Parser()
            .parse(Anomaly.getClassSchema().toString().replace(",\"default\":\"OTHER\"", "")), "OTHER"),
            "LATENCY_REVENUE_LOSS"), "UNPROFITABLE_SCALING");
    /** The Anomaly schema released before BILL_MISMATCH: without it and the symbols appended since. */
    private static final Schema BEFORE_BILL_MISMATCH = withoutSymbols(BEFORE_VALUE, "BILL_MISMATCH");
    /** The Anomaly schema released before COST_DROP: without both symbols appended since. */
    private static final Schema BEFORE_COST_DROP = withoutSymbols(BEFORE_BILL_MISMATCH, "COST_DROP");

    private static Schema withoutSymbols(Schema schema, String symbol) {
        return new Schema.Parser().parse(schema.toString().replace(", \"" + symbol + "\"", "")
                .replace(",\"" + symbol + "\"", ""));
    }

    @Test
    void shouldAppendCostDropAsTheLastSymbolSoEarlierSymbolsKeepTheirIndex() {
        assertThat(BEFORE_COST_DROP.getField("type").schema().getEnumSymbols())
                .containsExactly("COST_SPIKE", "COST_PER_REQUEST_DRIFT", "UNALLOCATED_SURGE", "BURN_RATE");
        assertThat(AnomalyType.COST_DROP.ordinal()).isEqualTo(4);
        assertThat(AnomalyType.BILL_MISMATCH.ordinal()).isEqualTo(5);
    }

    @Test
    void shouldAppendTheValueTypesWithADefaultThatLaterSymbolsFallBackTo() {
        assertThat(BEFORE_VALUE.getField("type").schema().getEnumDefault()).isNull();
        assertThat(BEFORE_VALUE.getField("type").schema().getEnumSymbols()).hasSize(6);
        assertThat(AnomalyType.UNPROFITABLE_SCALING.ordinal()).isEqualTo(6);
        assertThat(AnomalyType.LATENCY_REVENUE_LOSS.ordinal()).isEqualTo(7);
        assertThat(Anomaly.getClassSchema().getField("type").schema().getEnumDefault()).isEqualTo("OTHER");
        // BACKWARD: the new schema reads everything written before; a reader built before it cannot read it.
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Anomaly.getClassSchema(), BEFORE_VALUE)
                .getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(BEFORE_VALUE, Anomaly.getClassSchema())
                .getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        // With the default, today's readers cope with a symbol appended after them: they read it as OTHER.
        Schema later = new Schema.Parser().parse(Anomaly.getClassSchema().toString()
                .replace("\"OTHER\"]", "\"OTHER\",\"SOMETHING_NEW\"]"));
        assertThat(later.getField("type").schema().getEnumSymbols()).contains("SOMETHING_NEW");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Anomaly.getClassSchema(), later).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void shouldReadEveryEventWrittenBeforeBillMismatchWithTheNewSchemaButNotTheReverse() {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Anomaly.getClassSchema(), BEFORE_BILL_MISMATCH)
                .getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(BEFORE_BILL_MISMATCH, BEFORE_VALUE)
                .getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void shouldReadEveryEventWrittenBeforeCostDropWithTheNewSchema() {
        // BACKWARD compatibility, the Confluent registry's default: the new schema registers over the old one.
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Anomaly.getClassSchema(), BEFORE_COST_DROP)
                .getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void shouldNotLetAReaderBuiltBeforeCostDropReadTheNewSchema() {
        // No enum default: an old consumer fails on the new symbol instead of reading a drop as something else, so
        // consumers of spend.anomalies upgrade first (and a FORWARD or FULL subject refuses the new schema).
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(BEFORE_COST_DROP, Anomaly.getClassSchema())
                .getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }
}
