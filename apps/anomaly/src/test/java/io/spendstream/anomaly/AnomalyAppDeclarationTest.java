package io.spendstream.anomaly;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.testing.DeclarationChecks;

/** The topics and dead-letter reasons anomaly declares are the ones its topology reads, writes and counts. */
class AnomalyAppDeclarationTest {

    @Test
    void shouldDeclareExactlyTheTopicsItsTopologyReadsAndWrites() {
        DeclarationChecks.assertDeclarationsMatchTopology(new AnomalyApp());
    }
}
