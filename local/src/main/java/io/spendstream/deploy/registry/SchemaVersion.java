package io.spendstream.deploy.registry;

import org.apache.avro.Schema;

/** One version of a subject: the subject's version number and the schema's global id. */
record SchemaVersion(String subject, int version, int id, Schema schema) {

    /** The schema's identity in this registry: Avro's normalised JSON, so formatting differences share one id. */
    String canonical() {
        return schema.toString();
    }
}
