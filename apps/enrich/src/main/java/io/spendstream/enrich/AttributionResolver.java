package io.spendstream.enrich;

import io.spendstream.avro.Attribution;
import io.spendstream.avro.ResourceTags;

/**
 * Decides who owns one cost line, from the tags valid at its event time:
 *
 * <ol>
 * <li>the tag table's entry for its ResourceId, when it names a service, a team or shared use (source
 * {@value #SOURCE_TAG_TABLE});</li>
 * <li>else the row's own FOCUS Tags read by {@link FocusTagReader} (source {@value #SOURCE_FOCUS_TAGS});</li>
 * <li>else unallocated (source {@value #SOURCE_NONE}), reason {@value #NO_RESOURCE_ID} when the row has no
 * ResourceId to look up, {@value #UNTAGGED} otherwise.</li>
 * </ol>
 * An owner with a service but no team keeps its service but is unallocated with reason {@value #TAG_MISSING_TEAM}:
 * per-service unit cost can use it, per-team allocation cannot. Shared resources count as allocated, because the
 * attribution app apportions them to the services that used them. No source is merged with another: the tag
 * table, when it has an owner, wins as a whole.
 *
 * <p>A row the provider already split (FOCUS 1.3 split cost allocation, {@link CostLineFields#providerSplit}) is
 * attributed by its allocated resource: the tag table is looked up by its AllocatedResourceId (its ResourceId is the
 * origin charge's, often the shared cluster), and its FOCUS tags are its Tags with its AllocatedTags over them. It is
 * never {@code shared}: the provider has already divided it, and apportioning it again would move money from the
 * services the provider charged to the ones that happened to send requests.
 */
public final class AttributionResolver {

    public static final String SOURCE_TAG_TABLE = "tag-table";
    public static final String SOURCE_FOCUS_TAGS = "focus-tags";
    public static final String SOURCE_NONE = "none";

    public static final String NO_RESOURCE_ID = "no-resource-id";
    public static final String UNTAGGED = "untagged";
    public static final String TAG_MISSING_TEAM = "tag-missing-team";

    /** Key of {@code spend.cost.attributed} records whose owner has no service. */
    public static final String UNALLOCATED_KEY = "unallocated";

    private final FocusTagReader focusTags;

    public AttributionResolver(FocusTagReader focusTags) {
        this.focusTags = focusTags;
    }

    public AttributionResolver() {
        this(new FocusTagReader());
    }

    /** The owner of a cost line; {@code tableTags} is the tag table's entry as of the line's time, or null. */
    public Attribution resolve(CostLineFields cost, ResourceTags tableTags) {
        if (namesAnOwner(tableTags)) {
            return owned(tableTags, SOURCE_TAG_TABLE, cost.providerSplit());
        }
        return focusTags.read(cost.focusTags())
                .map(tags -> owned(tags, SOURCE_FOCUS_TAGS, cost.providerSplit()))
                .orElseGet(() -> unallocated(cost.hasResourceId() ? UNTAGGED : NO_RESOURCE_ID));
    }

    /** The record key on {@code spend.cost.attributed}: the service, or {@value #UNALLOCATED_KEY}. */
    public static String keyOf(Attribution attribution) {
        return attribution.getService() == null ? UNALLOCATED_KEY : attribution.getService();
    }

    static boolean namesAnOwner(ResourceTags tags) {
        return tags != null && (tags.getService() != null || tags.getTeam() != null || tags.getShared());
    }

    private static Attribution owned(ResourceTags tags, String source, boolean providerSplit) {
        boolean shared = tags.getShared() && !providerSplit;
        boolean allocated = tags.getTeam() != null || shared;
        return Attribution.newBuilder()
                .setService(tags.getService())
                .setTeam(tags.getTeam())
                .setProduct(tags.getProduct())
                .setEnvironment(tags.getEnvironment())
                .setCostCenter(tags.getCostCenter())
                .setShared(shared)
                .setAllocated(allocated)
                .setUnallocatedReason(allocated ? null : TAG_MISSING_TEAM)
                .setSource(source)
                .build();
    }

    private static Attribution unallocated(String reason) {
        return Attribution.newBuilder()
                .setAllocated(false)
                .setUnallocatedReason(reason)
                .setSource(SOURCE_NONE)
                .build();
    }
}
