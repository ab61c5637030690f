package io.spendstream.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

/**
 * A complete registry kept in memory: global ids shared by identical schemas, versions per subject.
 *
 * <p>Used for {@code mock://scope} URLs (tests, {@code TopologyTestDriver}): all clients naming the same scope share one
 * registry, so a serializer and a deserializer configured separately agree on ids, as against a real registry.
 * Identity of a schema is its full JSON form as Avro prints it ({@code Schema.toString()}): whitespace changes share
 * an id, doc changes do not. (Avro's Parsing Canonical Form would drop logical types, merging a decimal with plain
 * bytes, so it is not used.)
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsByCanonicalForm = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new HashMap<>();

    /** The registry shared by every client of {@code mock://<scope>}. */
    public static InMemorySchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
    }

    /** Forgets a scope, so the next test starts from an empty registry. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = schema.toString();
        int id = idsByCanonicalForm.computeIfAbsent(canonical, c -> idsByCanonicalForm.size() + 1);
        schemasById.putIfAbsent(id, schema);
        List<Integer> versions = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found", 40403);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = idsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException("Subject '" + subject + "' not found", 40401);
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), id, schemasById.get(id));
    }

    /** Every subject with at least one version. */
    public synchronized List<String> subjects() {
        return new ArrayList<>(idsBySubject.keySet());
    }
}
