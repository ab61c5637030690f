package io.spendstream.deploy.load;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Shapes one row for a compacted reference topic ({@code spend.tags}, {@code spend.budgets}, {@code spend.prices},
 * {@code spend.fx-rates}): the key column becomes the record key (and leaves the value), the known fields are
 * checked and written under the spec's names whatever the case of the header, other non-null columns are carried
 * as they are (consumers ignore fields they do not know), and an absent {@code currency} is filled from
 * {@code --currency} when given. An optional check runs on the finished record, e.g. the enrich app's own tag parser.
 */
final class ReferenceRowShaper implements RowShaper {

    static final String MISSING_KEY = "missing-key";

    private final ReferenceField key;
    private final List<ReferenceField> fields;
    private final String defaultCurrency;
    private final BiConsumer<String, byte[]> recordCheck;

    /**
     * @param recordCheck called with the key and JSON value; throws {@link RowRejectedException} to refuse the row
     */
    ReferenceRowShaper(ReferenceField key, List<ReferenceField> fields, String defaultCurrency,
            BiConsumer<String, byte[]> recordCheck) {
        this.key = key;
        this.fields = List.copyOf(fields);
        this.defaultCurrency = defaultCurrency;
        this.recordCheck = recordCheck;
    }

    @Override
    public OutgoingRecord shape(SourceItem.InputRow input) {
        ObjectNode row = input.fields();
        Set<String> used = new HashSet<>();
        String keyColumn = LoadJson.findField(row, key.name());
        JsonNode keyNode = keyColumn == null ? null : row.get(keyColumn);
        if (LoadJson.isAbsent(keyNode)) {
            throw new RowRejectedException(MISSING_KEY, key.name() + " is missing: it is the record key");
        }
        used.add(keyColumn);
        String recordKey = key.convert(keyNode).asText();

        ObjectNode value = LoadJson.MAPPER.createObjectNode();
        for (ReferenceField field : fields) {
            String column = LoadJson.findField(row, field.name());
            JsonNode node = column == null ? null : row.get(column);
            if (column != null) {
                used.add(column);
            }
            if (!LoadJson.isAbsent(node)) {
                value.set(field.name(), field.convert(node));
            } else if (field.type() == ReferenceField.Type.CURRENCY && defaultCurrency != null) {
                value.set(field.name(), field.convert(TextNode.valueOf(defaultCurrency)));
            } else if (field.required()) {
                throw new RowRejectedException(ReferenceField.MISSING_FIELD, field.name() + " is missing");
            }
        }
        for (Map.Entry<String, JsonNode> column : row.properties()) {
            if (!used.contains(column.getKey()) && !LoadJson.isAbsent(column.getValue())) {
                value.set(column.getKey(), column.getValue());
            }
        }
        byte[] bytes = LoadJson.bytes(value);
        if (recordCheck != null) {
            recordCheck.accept(recordKey, bytes);
        }
        return OutgoingRecord.of(input.line(), recordKey, bytes);
    }
}
