package io.pgstream.connector.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class PgConnectionConfigTest {

    @Test
    void libpqUriWithCredentialsAndParameters() {
        PgConnectionConfig c =
                PgConnectionConfig.parse(
                        "postgresql://app:p%40ss%3Aw0rd@db.example:6543/shop"
                                + "?sslmode=require&application_name=pgstream&connect_timeout=5");
        assertThat(c.host()).isEqualTo("db.example");
        assertThat(c.port()).isEqualTo(6543);
        assertThat(c.database()).isEqualTo("shop");
        assertThat(c.user()).isEqualTo("app");
        Properties props = c.jdbcProperties();
        assertThat(props.getProperty("password")).isEqualTo("p@ss:w0rd");
        assertThat(props.getProperty("sslmode")).isEqualTo("require");
        assertThat(props.getProperty("ApplicationName")).isEqualTo("pgstream");
        assertThat(props.getProperty("connectTimeout")).isEqualTo("5");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/shop");
    }

    @Test
    void jdbcUrlWithUserAndPasswordParameters() {
        PgConnectionConfig c =
                PgConnectionConfig.parse("jdbc:postgresql://[::1]:5433/app?user=bob&password=pw");
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.port()).isEqualTo(5433);
        assertThat(c.user()).isEqualTo("bob");
        assertThat(c.jdbcProperties().getProperty("password")).isEqualTo("pw");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/app");
    }

    @Test
    void defaultsFollowLibpq() {
        PgConnectionConfig c = PgConnectionConfig.parse("postgresql://ann@/");
        assertThat(c.host()).isEqualTo("localhost");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.database()).as("database defaults to the user").isEqualTo("ann");
        assertThat(c.hasPassword()).isFalse();
    }

    @Test
    void thePasswordIsNeverPrinted() {
        PgConnectionConfig c = PgConnectionConfig.parse("postgresql://app:s3cret@db:5432/shop");
        assertThat(c.toString()).isEqualTo("postgresql://app:***@db:5432/shop");
        assertThat(c.redacted()).doesNotContain("s3cret");
    }

    @Test
    void errorsNeverQuoteThePassword() {
        assertThatThrownBy(() -> PgConnectionConfig.parse("mysql://app:s3cret@db/shop"))
                .hasMessageContaining("Unsupported DSN scheme")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PgConnectionConfig.parse("postgresql://app:s3cr%zzet@db/shop"))
                .hasMessageContaining("percent-encoding")
                .hasMessageNotContaining("zz");
        assertThatThrownBy(() -> PgConnectionConfig.parse("postgresql://app:s3cret@db:99999/x"))
                .hasMessageContaining("Invalid port")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PgConnectionConfig.parse("postgresql://app:s3cret@a,b/x"))
                .hasMessageContaining("several hosts")
                .hasMessageNotContaining("s3cret");
    }
}
