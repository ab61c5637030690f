package io.spendstream.enrich;

import io.spendstream.avro.ResourceTags;

/**
 * One parsed record of {@code spend.tags}: new tags for a resource, or its deletion (a tombstone). Wrapping the
 * nullable tags keeps "delete" an explicit value between parsing and the tag table instead of a bare null that
 * every step in between would have to let through.
 */
public record TagUpdate(ResourceTags tags) {

    public static TagUpdate delete() {
        return new TagUpdate(null);
    }

    public static TagUpdate of(ResourceTags tags) {
        return new TagUpdate(java.util.Objects.requireNonNull(tags, "tags"));
    }

    public boolean isDelete() {
        return tags == null;
    }
}
