package io.spendstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class PlannedProjectionReaderTest {

    /** Every kind of Avro value, a recursive record among them, with the projected fields between the skipped. */
    private static final Schema WRITTEN = new Schema.Parser().parse("""
            {"type": "record", "name": "Everything", "fields": [
              {"name": "flag", "type": "boolean"},
              {"name": "count", "type": "int"},
              {"name": "kept1", "type": "string"},
              {"name": "big", "type": "long"},
              {"name": "ratio", "type": "float"},
              {"name": "precise", "type": "double"},
              {"name": "blob", "type": "bytes"},
              {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 3}},
              {"name": "colour", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"]}},
              {"name": "maybe", "type": ["null", "string", "long"]},
              {"name": "kept2", "type": ["null", {"type": "map", "values": "string"}]},
              {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item", "fields": [
                {"name": "name", "type": "string"}, {"name": "tags", "type": {"type": "map", "values": "long"}}]}}},
              {"name": "list", "type": ["null", {"type": "record", "name": "Node", "fields": [
                {"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}]},
              {"name": "nothing", "type": "null"},
              {"name": "kept3", "type": "long"}
            ]}
            """);

    @Test
    void shouldReadTheProjectedFieldsAsAvrosResolvingReaderDoesAndEndWhereTheRecordEnds() throws IOException {
        Schema projection = Schema.createRecord("Everything", null, null, false, List.of(
                new Schema.Field(WRITTEN.getField("kept1"), WRITTEN.getField("kept1").schema()),
                new Schema.Field(WRITTEN.getField("kept2"), WRITTEN.getField("kept2").schema()),
                new Schema.Field(WRITTEN.getField("kept3"), WRITTEN.getField("kept3").schema())));
        PlannedProjectionReader planned = new PlannedProjectionReader(WRITTEN, projection, GenericData.get());
        GenericDatumReader<GenericRecord> avros = new GenericDatumReader<>(WRITTEN, projection);
        Random random = new Random(18);

        for (int i = 0; i < 300; i++) {
            // A record, then a marker that each reader must find right after it.
            byte[] bytes = write(record(i, random), 0x5a);

            BinaryDecoder plannedIn = DecoderFactory.get().binaryDecoder(bytes, null);
            GenericRecord plannedRead = planned.read(null, plannedIn);
            BinaryDecoder avrosIn = DecoderFactory.get().binaryDecoder(bytes, null);
            GenericRecord avrosRead = avros.read(null, avrosIn);

            assertThat(plannedRead).as("record %d", i).isEqualTo(avrosRead);
            assertThat(plannedIn.readInt()).as("the byte after record %d", i).isEqualTo(0x5a);
            assertThat(plannedIn.isEnd()).isTrue();
        }
    }

    private static GenericRecord record(int i, Random random) {
        GenericData.Record record = new GenericData.Record(WRITTEN);
        record.put("flag", i % 2 == 0);
        record.put("count", random.nextInt());
        record.put("kept1", "kept-" + i);
        record.put("big", random.nextLong());
        record.put("ratio", random.nextFloat());
        record.put("precise", random.nextDouble());
        byte[] blob = new byte[random.nextInt(40)];
        random.nextBytes(blob);
        record.put("blob", ByteBuffer.wrap(blob));
        record.put("id", new GenericData.Fixed(WRITTEN.getField("id").schema(), new byte[] {1, 2, (byte) i}));
        record.put("colour", new GenericData.EnumSymbol(WRITTEN.getField("colour").schema(),
                i % 3 == 0 ? "RED" : "GREEN"));
        record.put("maybe", switch (i % 3) {
            case 0 -> null;
            case 1 -> "text " + i;
            default -> (long) i * 1_000_003L;
        });
        record.put("kept2", i % 4 == 0 ? null : Map.of("k" + i, "v", "other", "w" + i));
        Schema item = WRITTEN.getField("items").schema().getElementType();
        List<GenericRecord> items = new ArrayList<>();
        for (int n = 0; n < i % 5; n++) {
            GenericData.Record one = new GenericData.Record(item);
            one.put("name", "item-" + n);
            one.put("tags", Map.of("a", (long) n, "b", (long) -n));
            items.add(one);
        }
        record.put("items", items);
        Schema node = WRITTEN.getField("list").schema().getTypes().get(1);
        GenericData.Record list = null;
        for (int n = 0; n < i % 4; n++) {
            GenericData.Record head = new GenericData.Record(node);
            head.put("value", n);
            head.put("next", list);
            list = head;
        }
        record.put("list", list);
        record.put("kept3", (long) -i);
        return record;
    }

    private static byte[] write(GenericRecord record, int marker) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(WRITTEN).write(record, encoder);
        encoder.writeInt(marker);
        encoder.flush();
        return out.toByteArray();
    }
}
