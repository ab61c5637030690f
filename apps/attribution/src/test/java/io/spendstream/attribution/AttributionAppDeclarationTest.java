package io.spendstream.attribution;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.testing.DeclarationChecks;

/** The topics and dead-letter reasons attribution declares are the ones its topology reads, writes and counts. */
class AttributionAppDeclarationTest {

    @Test
    void shouldDeclareExactlyTheTopicsItsTopologyReadsAndWrites() {
        DeclarationChecks.assertDeclarationsMatchTopology(new AttributionApp());
    }
}
