package io.spendstream.ingest;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared FOCUS sample files ({@code shared/data/focus}) from the module's working directory. */
final class FocusData {

    private FocusData() {
    }

    static Path file(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data/focus").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/data/focus/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
