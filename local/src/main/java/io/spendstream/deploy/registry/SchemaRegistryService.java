package io.spendstream.deploy.registry;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

import io.spendstream.deploy.registry.RegistryState.StoredRecord;

/**
 * The registry's rules: global ids shared by identical schemas, versions per subject, idempotent registration,
 * compatibility enforced on every new version. Reads answer from {@link RegistryState}; writes are serialised, go to
 * the {@link SchemaTopic} first and reach the state only by reading the log back.
 *
 * <p>Single writer: ids are assigned from this instance's view of the log, so two instances writing to the same topic
 * at once could hand out one id twice. Run one instance per storage topic.
 */
final class SchemaRegistryService {

    private final RegistryState state;
    private final SchemaTopic log;
    private final Object writeLock = new Object();

    SchemaRegistryService(RegistryState state, SchemaTopic log) {
        this.state = state;
        this.log = log;
    }

    /** Registers the schema under the subject, or returns its id when the subject already has it. */
    int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        synchronized (writeLock) {
            catchUp("registering a schema");
            var existing = state.find(subject, schema);
            if (existing.isPresent()) {
                return existing.get().id();
            }
            List<SchemaVersion> versions = state.versions(subject);
            List<String> problems = state.effectiveLevel(subject)
                    .incompatibilities(schema, versions.stream().map(SchemaVersion::schema).toList());
            if (!problems.isEmpty()) {
                throw RegistryError.incompatible(subject, problems);
            }
            int nextVersion = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
            SchemaVersion version = new SchemaVersion(subject, nextVersion, state.idFor(schema), schema);
            append(RegistryState.schemaRecord(version), "registering a schema");
            return version.id();
        }
    }

    /** The version of the subject that holds this schema. */
    SchemaVersion lookup(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        requireSubject(subject);
        return state.find(subject, schema).orElseThrow(RegistryError::schemaNotFoundUnderSubject);
    }

    Schema schemaById(int id) {
        return state.schema(id).orElseThrow(() -> RegistryError.schemaIdNotFound(id));
    }

    List<SchemaVersion> usesOf(int id) {
        schemaById(id);
        return state.usesOf(id);
    }

    List<String> subjects() {
        return state.subjects();
    }

    List<SchemaVersion> versions(String subject) {
        return requireSubject(subject);
    }

    /** A version by number, or {@code latest} / {@code -1} for the newest. */
    SchemaVersion version(String subject, String version) {
        List<SchemaVersion> versions = requireSubject(subject);
        if (version.equals("latest") || version.equals("-1")) {
            return versions.get(versions.size() - 1);
        }
        int number = versionNumber(version);
        return state.version(subject, number).orElseThrow(() -> RegistryError.versionNotFound(number));
    }

    /**
     * Whether the schema could be registered after the given version under the subject's level; a subject with no
     * versions yet accepts anything as {@code latest}.
     */
    List<String> compatibilityProblems(String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        List<Schema> against;
        if ((version.equals("latest") || version.equals("-1")) && state.versions(subject).isEmpty()) {
            against = List.of();
        } else {
            against = List.of(version(subject, version).schema());
        }
        return state.effectiveLevel(subject).incompatibilities(schema, against);
    }

    CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    /** The subject's own level; with {@code defaultToGlobal} the registry's when it has none. */
    CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        if (defaultToGlobal) {
            return state.effectiveLevel(subject);
        }
        return state.subjectLevel(subject).orElseThrow(() -> RegistryError.subjectLevelConfigNotFound(subject));
    }

    /** Sets the level of a subject, or of the registry when subject is null. */
    CompatibilityLevel setLevel(String subject, String level) {
        CompatibilityLevel parsed = CompatibilityLevel.parse(level);
        synchronized (writeLock) {
            catchUp("updating the compatibility level");
            append(RegistryState.configRecord(subject, parsed), "updating the compatibility level");
        }
        return parsed;
    }

    private List<SchemaVersion> requireSubject(String subject) {
        List<SchemaVersion> versions = state.versions(subject);
        if (versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return versions;
    }

    private static int versionNumber(String version) {
        try {
            int number = Integer.parseInt(version);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below, in Confluent's words
        }
        throw RegistryError.invalidVersion(version);
    }

    private static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryError.invalidSchema("empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (AvroRuntimeException | IllegalArgumentException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }

    private void catchUp(String operation) {
        try {
            log.catchUp(state::apply);
        } catch (TimeoutException e) {
            throw RegistryError.storeTimedOut(operation);
        } catch (RuntimeException e) {
            throw RegistryError.storeFailed(operation, e);
        }
    }

    private void append(StoredRecord record, String operation) {
        try {
            log.append(record, state::apply);
        } catch (TimeoutException e) {
            throw RegistryError.storeTimedOut(operation);
        } catch (ExecutionException e) {
            throw RegistryError.storeFailed(operation, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryError.storeFailed(operation, e);
        } catch (RuntimeException e) {
            throw RegistryError.storeFailed(operation, e);
        }
    }
}
