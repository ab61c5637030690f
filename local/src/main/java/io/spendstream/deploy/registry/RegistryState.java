package io.spendstream.deploy.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Everything the registry knows, rebuilt only from the records of its storage topic, plus the codec of those records.
 *
 * <p>Record keys: {@code schema:<subject>:<version>} (value {@code {"subject","version","id","schema"}}),
 * {@code config:<subject>} and {@code config} for the registry-wide level (value
 * {@code {"subject","compatibilityLevel"}}). Each key is written once per fact, so compaction keeps every schema and
 * the newest level. Values carry all fields, so a subject containing ':' is never parsed from the key.
 */
final class RegistryState {

    static final String SCHEMA_PREFIX = "schema:";
    static final String CONFIG_KEY = "config";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, TreeMap<Integer, SchemaVersion>> versionsBySubject = new TreeMap<>();
    private final Map<String, CompatibilityLevel> levelsBySubject = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    /** The log record for a new version. */
    static StoredRecord schemaRecord(SchemaVersion version) {
        ObjectNode value = JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.canonical());
        return new StoredRecord(SCHEMA_PREFIX + version.subject() + ":" + version.version(), value.toString());
    }

    /** The log record for a compatibility level; subject null means registry-wide. */
    static StoredRecord configRecord(String subject, CompatibilityLevel level) {
        ObjectNode value = JSON.createObjectNode().put("subject", subject).put("compatibilityLevel", level.name());
        return new StoredRecord(subject == null ? CONFIG_KEY : CONFIG_KEY + ":" + subject, value.toString());
    }

    /** Applies one record of the storage topic; tombstones and unknown keys change nothing. */
    synchronized void apply(String key, String value) {
        if (key == null || value == null) {
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable registry record '" + key + "'", e);
        }
        if (key.startsWith(SCHEMA_PREFIX)) {
            addVersion(new SchemaVersion(node.path("subject").asText(), node.path("version").asInt(),
                    node.path("id").asInt(), new Schema.Parser().parse(node.path("schema").asText())));
        } else if (key.equals(CONFIG_KEY) || key.startsWith(CONFIG_KEY + ":")) {
            CompatibilityLevel level = CompatibilityLevel.parse(node.path("compatibilityLevel").asText());
            if (node.path("subject").isTextual()) {
                levelsBySubject.put(node.path("subject").asText(), level);
            } else {
                globalLevel = level;
            }
        }
    }

    private void addVersion(SchemaVersion version) {
        schemasById.putIfAbsent(version.id(), version.schema());
        idsByCanonical.putIfAbsent(version.canonical(), version.id());
        versionsBySubject.computeIfAbsent(version.subject(), s -> new TreeMap<>()).put(version.version(), version);
        maxId = Math.max(maxId, version.id());
    }

    synchronized Optional<Schema> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** The id this schema already has under any subject, or the next free id. */
    synchronized int idFor(Schema schema) {
        return idsByCanonical.getOrDefault(schema.toString(), maxId + 1);
    }

    synchronized List<String> subjects() {
        return new ArrayList<>(versionsBySubject.keySet());
    }

    /** The subject's versions, oldest first; empty when the subject does not exist. */
    synchronized List<SchemaVersion> versions(String subject) {
        TreeMap<Integer, SchemaVersion> versions = versionsBySubject.get(subject);
        return versions == null ? List.of() : new ArrayList<>(versions.values());
    }

    synchronized Optional<SchemaVersion> version(String subject, int version) {
        TreeMap<Integer, SchemaVersion> versions = versionsBySubject.get(subject);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
    }

    /** The version of the subject holding exactly this schema (after normalisation), if any. */
    synchronized Optional<SchemaVersion> find(String subject, Schema schema) {
        String canonical = schema.toString();
        return versions(subject).stream().filter(v -> v.canonical().equals(canonical)).findFirst();
    }

    /** Every subject and version using this id, subjects in order. */
    synchronized List<SchemaVersion> usesOf(int id) {
        List<SchemaVersion> uses = new ArrayList<>();
        versionsBySubject.values().forEach(versions -> versions.values().stream()
                .filter(v -> v.id() == id).forEach(uses::add));
        return uses;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(levelsBySubject.get(subject));
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel == null ? CompatibilityLevel.DEFAULT : globalLevel;
    }

    /** The level that applies to the subject: its own, else the registry's. */
    synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevel(subject).orElseGet(this::globalLevel);
    }

    /** One record of the storage topic. */
    record StoredRecord(String key, String value) {
    }
}
