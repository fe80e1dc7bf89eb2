package io.pgstream.connector.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @Test
    void parsesAndPrintsPostgresForm() {
        Lsn lsn = Lsn.parse("16/b374d848");
        assertThat(lsn.value()).isEqualTo(0x16B374D848L);
        assertThat(lsn).hasToString("16/B374D848");
        assertThat(Lsn.parse("0/0")).isEqualTo(Lsn.INVALID);
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").value()).isEqualTo(-1L);
    }

    @Test
    void ordersUnsigned() {
        assertThat(Lsn.parse("FFFFFFFF/0").isAfter(Lsn.parse("1/0"))).isTrue();
        assertThat(Lsn.max(Lsn.parse("0/2"), Lsn.parse("0/1"))).isEqualTo(Lsn.parse("0/2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "16", "16/", "/16", "1/2/3", "x/1", "-1/2", "123456789/0", "1 /2"})
    void rejectsMalformedInputNamingIt(String bad) {
        assertThatThrownBy(() -> Lsn.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + bad + "'");
    }
}
