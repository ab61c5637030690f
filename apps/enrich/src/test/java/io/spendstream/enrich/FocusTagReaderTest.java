package io.spendstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.ResourceTags;

class FocusTagReaderTest {

    private final FocusTagReader reader = new FocusTagReader();

    @Test
    void shouldReadOwnerFromAliasesCaseInsensitively() {
        ResourceTags tags = reader.read(Map.of("Application", "checkout", "OWNER", "payments", "env", "prod",
                "cost_center", "CC-42", "product", "store", "shared", "true")).orElseThrow();

        assertThat(tags.getService()).isEqualTo("checkout");
        assertThat(tags.getTeam()).isEqualTo("payments");
        assertThat(tags.getEnvironment()).isEqualTo("prod");
        assertThat(tags.getCostCenter()).isEqualTo("CC-42");
        assertThat(tags.getProduct()).isEqualTo("store");
        assertThat(tags.getShared()).isTrue();
    }

    @Test
    void shouldPreferServiceOverApplicationAndTeamOverOwner() {
        ResourceTags tags = reader.read(Map.of("app", "a", "application", "b", "service", "c", "owner", "o",
                "team", "t")).orElseThrow();

        assertThat(tags.getService()).isEqualTo("c");
        assertThat(tags.getTeam()).isEqualTo("t");
    }

    @Test
    void shouldFindNoOwnerWithoutServiceTeamOrSharedTag() {
        assertThat(reader.read(Map.of("environment", "prod", "product", "store"))).isEmpty();
        assertThat(reader.read(Map.of("service", "  "))).isEmpty();
        assertThat(reader.read(Map.of())).isEmpty();
        assertThat(reader.read(null)).isEmpty();
    }

    @Test
    void shouldReadOwnerFromConfiguredKeysInListOrder() {
        FocusTagReader custom = new FocusTagReader(new FocusTagKeys(List.of("Component", "service"),
                List.of("squad", "team"), List.of("product"), List.of("stage"), List.of("billing-code")));

        ResourceTags tags = custom.read(Map.of("service", "s", "COMPONENT", "c", "Squad", "payments", "team", "t",
                "Stage", "prod", "billing-code", "CC-7", "env", "ignored")).orElseThrow();

        assertThat(tags.getService()).isEqualTo("c");
        assertThat(tags.getTeam()).isEqualTo("payments");
        assertThat(tags.getEnvironment()).isEqualTo("prod");
        assertThat(tags.getCostCenter()).isEqualTo("CC-7");
        assertThat(custom.read(Map.of("owner", "payments"))).isEmpty();
    }
}
