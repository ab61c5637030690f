package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.spendstream.attribution.avro.ChildTally;

/** {@link WindowChildren#add}'s quick path for one cost part against the general merge it replaces. */
class WindowChildrenTest {

    @Test
    void shouldAddOnePartExactlyAsTheGeneralMergeDoesWhileChildrenGrowShrinkTieAndFold() {
        Random random = new Random(7);
        for (int tracked : new int[] {1, 3, 50}) {
            List<ChildTally> tally = List.of();
            int quick = 0;
            for (int i = 0; i < 3_000; i++) {
                // Few names and few distinct amounts (negative ones too: credits), so children tie, overtake each
                // other, fall out of the tracked set and come back.
                String resource = random.nextInt(10) == 0 ? null : "r-" + random.nextInt(tracked + 4);
                String sku = "sku-" + random.nextInt(tracked + 2);
                BigDecimal amount = new BigDecimal(random.nextInt(7) - 1).movePointLeft(random.nextInt(3));
                List<ChildTally> part = WindowChildren.ofPart(amount, resource, sku);

                List<ChildTally> expected = WindowChildren.addAll(tally, part, tracked);
                List<ChildTally> actual = WindowChildren.addOnePart(tally, part, tracked);
                if (actual != null) {
                    quick++;
                    assertThat(actual).as("after %d parts, tracked %d", i, tracked).isEqualTo(expected);
                }
                // The same tally as read from the store (a list this class did not make, so its order is checked).
                assertThat(WindowChildren.addOnePart(new ArrayList<>(tally), part, tracked))
                        .as("after %d parts, tracked %d, read back", i, tracked).isEqualTo(actual);
                assertThat(WindowChildren.add(tally, part, tracked)).isEqualTo(expected);
                tally = expected;
            }
            // The quick path is the common one, not a curiosity.
            assertThat(quick).as("tracked %d", tracked).isGreaterThan(2_900);
        }
    }

    @Test
    void shouldLeaveTalliesItDidNotWriteToTheGeneralMerge() {
        List<ChildTally> part = WindowChildren.ofPart(BigDecimal.ONE, "r-1", "sku-1");
        List<ChildTally> unranked = new ArrayList<>(WindowChildren.addAll(
                WindowChildren.ofPart(BigDecimal.TEN, "r-2", "sku-2"), WindowChildren.ofPart(BigDecimal.ONE, "r-3",
                        "sku-2"), 50));
        ChildTally first = unranked.remove(0);
        unranked.add(1, first);

        assertThat(WindowChildren.addOnePart(unranked, part, 50)).isNull();
        assertThat(WindowChildren.addOnePart(part, unranked, 50)).isNull();
        assertThat(WindowChildren.add(unranked, part, 50)).isEqualTo(WindowChildren.addAll(unranked, part, 50));
    }
}
