package io.spendstream.enrich;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericRecord;

/**
 * The fields of a {@code CostRecord} that enrich reads, decoded from the line's bytes while the rest stay as they
 * were written ({@link io.spendstream.schemas.serde.ForwardingAvroSerde}): the resource whose tags own it, its FOCUS
 * tags, whether the provider split it, and its effective cost for the coverage gauges.
 *
 * @param resourceId the row's ResourceId, or null
 * @param allocatedResourceId a provider-split row's AllocatedResourceId, or null
 * @param providerSplit whether the provider already split the charge
 * @param tags the row's FOCUS Tags
 * @param allocatedTags a provider-split row's AllocatedTags
 * @param effectiveCost the line's effective cost
 */
public record CostLineFields(String resourceId, String allocatedResourceId, boolean providerSplit,
        Map<String, String> tags, Map<String, String> allocatedTags, BigDecimal effectiveCost) {

    /** The CostRecord fields {@link #of} reads. */
    public static final List<String> FIELDS = List.of("effectiveCost", "resourceId", "tags", "allocatedResourceId",
            "allocatedTags", "providerSplit");

    /** The fields of a record read with (at least) {@link #FIELDS}. */
    @SuppressWarnings("unchecked")
    public static CostLineFields of(GenericRecord record) {
        return new CostLineFields(text(record.get("resourceId")), text(record.get("allocatedResourceId")),
                (Boolean) record.get("providerSplit"), texts((Map<Object, Object>) record.get("tags")),
                texts((Map<Object, Object>) record.get("allocatedTags")), (BigDecimal) record.get("effectiveCost"));
    }

    /** Whether the line names a resource to look its tags up by. */
    public boolean hasResourceId() {
        String resourceId = attributionResourceId();
        return resourceId != null && !resourceId.isBlank();
    }

    /** The resource whose tags own the cost: the allocated resource of a provider-split row, else the ResourceId. */
    public String attributionResourceId() {
        return providerSplit && allocatedResourceId != null && !allocatedResourceId.isBlank() ? allocatedResourceId
                : resourceId;
    }

    /** The row's FOCUS Tags, with a provider-split row's AllocatedTags over them. */
    public Map<String, String> focusTags() {
        if (allocatedTags.isEmpty()) {
            return tags;
        }
        Map<String, String> merged = new HashMap<>(tags);
        merged.putAll(allocatedTags);
        return merged;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** Avro reads strings as String when the schema says so (generated schemas do), else as Utf8: copied then. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> texts(Map<Object, Object> map) {
        for (Map.Entry<Object, Object> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String) || !(entry.getValue() instanceof String)) {
                Map<String, String> texts = new HashMap<>();
                map.forEach((key, value) -> texts.put(key.toString(), value.toString()));
                return texts;
            }
        }
        return (Map<String, String>) (Map<?, ?>) map;
    }
}
