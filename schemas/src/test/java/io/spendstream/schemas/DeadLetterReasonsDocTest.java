package io.spendstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The reason codes are a public contract documented in docs/operations.md ("Dead letters"): the table there lists,
 * per stage, exactly the codes {@link DeadLetterReasons} declares, so neither can change without the other.
 */
class DeadLetterReasonsDocTest {

    /** A code in backquotes: lower-case words joined by dashes (topic names and config keys have dots). */
    private static final Pattern CODE = Pattern.compile("`([a-z]+(?:-[a-z]+)*)`");

    @Test
    void shouldListExactlyTheDeclaredCodesPerStageInTheOperationsGuide() throws IOException {
        Map<String, Set<String>> documented = deadLetterTable();
        Map<String, Set<String>> declared = new LinkedHashMap<>();
        DeadLetterReasons.byStage().forEach((stage, codes) -> declared.put(stage, new TreeSet<>(codes)));

        assertThat(documented.keySet()).as("stages of the dead-letter table")
                .containsExactlyInAnyOrderElementsOf(declared.keySet());
        declared.forEach((stage, codes) -> assertThat(documented.get(stage))
                .as("reasons documented for stage %s", stage).isEqualTo(codes));
    }

    @Test
    void shouldDeclareEachCodeOncePerStage() {
        DeadLetterReasons.byStage().forEach((stage, codes) ->
                assertThat(codes).as("reasons of %s", stage).doesNotHaveDuplicates().isNotEmpty()
                        .allSatisfy(code -> assertThat(code).matches("[a-z]+(-[a-z]+)*")));
    }

    /** The rows of the table under "## Dead letters": stage to the codes of its reasons cell. */
    private static Map<String, Set<String>> deadLetterTable() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("basedir", "."))
                .toAbsolutePath().resolve("../docs/operations.md").normalize());
        int section = lines.indexOf("## Dead letters");
        assertThat(section).as("the section '## Dead letters' in docs/operations.md").isNotNegative();
        Map<String, Set<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : lines.subList(section + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            inTable = true;
            String[] cells = line.split("\\|");
            String stage = cells[1].trim();
            if (stage.equals("stage") || stage.startsWith("---")) {
                continue;
            }
            Set<String> codes = new TreeSet<>();
            Matcher matcher = CODE.matcher(cells[2]);
            while (matcher.find()) {
                codes.add(matcher.group(1));
            }
            rows.put(stage, codes);
        }
        assertThat(rows).as("rows of the dead-letter table").isNotEmpty();
        return rows;
    }
}
