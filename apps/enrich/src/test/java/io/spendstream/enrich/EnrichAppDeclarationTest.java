package io.spendstream.enrich;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.testing.DeclarationChecks;

/** The topics and dead-letter reasons enrich declares are the ones its topology reads, writes and counts. */
class EnrichAppDeclarationTest {

    @Test
    void shouldDeclareExactlyTheTopicsItsTopologyReadsAndWrites() {
        DeclarationChecks.assertDeclarationsMatchTopology(new EnrichApp());
    }
}
