package io.spendstream.ingest;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.testing.DeclarationChecks;

/** The topics and dead-letter reasons ingest declares are the ones its topology reads, writes and counts. */
class IngestAppDeclarationTest {

    @Test
    void shouldDeclareExactlyTheTopicsItsTopologyReadsAndWrites() {
        DeclarationChecks.assertDeclarationsMatchTopology(new IngestApp());
    }
}
