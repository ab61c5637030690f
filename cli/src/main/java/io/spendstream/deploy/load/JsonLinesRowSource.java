package io.spendstream.deploy.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rows of a JSON-lines file: one JSON object per line, blank lines skipped. Values keep their JSON types (decimals
 * exact). A line that is not JSON ({@code invalid-json}) or not an object ({@code not-an-object}) is a rejection.
 */
final class JsonLinesRowSource implements RowSource {

    static final String INVALID_JSON = "invalid-json";
    static final String NOT_AN_OBJECT = "not-an-object";

    private final BufferedReader reader;
    private final LongSupplier bytesRead;
    private long line;

    JsonLinesRowSource(BufferedReader reader, LongSupplier bytesRead) {
        this.reader = reader;
        this.bytesRead = bytesRead;
    }

    @Override
    public SourceItem next() throws IOException {
        String text;
        do {
            text = reader.readLine();
            line++;
            if (text == null) {
                return null;
            }
        } while (text.isBlank());
        if (line == 1 && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        JsonNode node;
        try {
            node = LoadJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return new SourceItem.Rejection(line, INVALID_JSON, "not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            return new SourceItem.Rejection(line, NOT_AN_OBJECT, "expected a JSON object, found "
                    + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return new SourceItem.InputRow(line, object);
    }

    @Override
    public long bytesRead() {
        return bytesRead.getAsLong();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
