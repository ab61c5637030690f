package io.spendstream.anomaly.nab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the shared NAB data for the tests whatever the working directory: Maven runs them in {@code tools/}, an
 * IDE often in the repository root. {@code -Dspendstream.nab.data=...} overrides. Missing data fails the test: the
 * scorer's reproduction of the published numbers is the point of these tests and cannot be checked without it.
 */
final class NabDataDirectory {

    private NabDataDirectory() {
    }

    static Path find() {
        String configured = System.getProperty("spendstream.nab.data");
        List<Path> candidates = configured != null
                ? List.of(Path.of(configured))
                : List.of(Path.of("../../shared/data/nab"), Path.of("../shared/data/nab"), Path.of("/work/shared/data/nab"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("labels").resolve("combined_windows.json"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("NAB data not found in " + candidates + " (working directory "
                + Path.of("").toAbsolutePath() + "); set -Dspendstream.nab.data=<dir>");
    }
}
