package io.spendstream.schemas.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry protocol Spendstream's serdes need.
 *
 * <p>Implementations: {@link HttpSchemaRegistryClient} (the REST API of Confluent Schema Registry, Karapace, Redpanda,
 * Apicurio's compatibility API, and Spendstream's own local registry), wrapped in {@link CachingSchemaRegistryClient};
 * and {@link InMemorySchemaRegistry} for {@code mock://} URLs in tests, as Confluent's serdes do.
 */
public interface SchemaRegistryClient {

    /** Registers the schema under the subject (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema getById(int id);

    /** The newest version registered under the subject. */
    RegisteredSchema latest(String subject);

    /**
     * Asks the registry something cheap, so that a wrong URL or missing credentials fail an app at start, not on
     * its first record in a stream thread. Nothing to check for an in-process registry.
     *
     * @throws SchemaRegistryException when the registry cannot be reached or refuses
     */
    default void checkReachable() {
    }
}
