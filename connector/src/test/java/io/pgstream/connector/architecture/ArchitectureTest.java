package io.pgstream.connector.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the connector's layering true: the decoder stays pure (bytes in, messages out), the source
 * runs no SQL of its own, and configuration is declared only in {@code *Options}. That the
 * connector never reaches into the jobs is checked in the jobs module, where both are on the
 * classpath.
 */
class ArchitectureTest {

    private static JavaClasses production;
    private static JavaClasses tests;

    @BeforeAll
    static void importClasses() {
        production =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.pgstream");
        tests =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                        .importPackages("io.pgstream");
    }

    @Test
    void decoderAndEventsImportOnlyJava() {
        classes()
                .that()
                .resideInAnyPackage(
                        "io.pgstream.connector.pgoutput..", "io.pgstream.connector.event..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "io.pgstream.connector.pgoutput..",
                        "io.pgstream.connector.event..")
                .because("the pgoutput decoder is pure: no I/O, no SQL, no framework")
                .check(production);
    }

    @Test
    void slotManagementIsPlainJdbc() {
        classes()
                .that()
                .resideInAPackage("io.pgstream.connector.slot..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "io.pgstream.connector.slot..",
                        "io.pgstream.connector.connection..")
                .because("the command line and the source both use it without Flink")
                .check(production);
    }

    @Test
    void sourceLeavesSqlToSlotAndSnapshot() {
        noClasses()
                .that()
                .resideInAPackage("io.pgstream.connector.source..")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(
                        java.sql.ResultSet.class,
                        java.sql.Statement.class,
                        java.sql.PreparedStatement.class,
                        java.sql.CallableStatement.class)
                .because(
                        "catalog questions are answered once, in slot (ServerCatalog, SlotManager),"
                                + " and snapshot reads in snapshot; the source only opens"
                                + " connections and streams")
                .check(production);
    }

    @Test
    void configOptionsLiveOnlyInOptionsClasses() {
        fields().that()
                .haveRawType("org.apache.flink.configuration.ConfigOption")
                .should()
                .beDeclaredInClassesThat()
                .haveSimpleNameEndingWith("Options")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void testClassesAreNamedTestOrITCase() {
        classes()
                .that()
                .containAnyMethodsThat(
                        com.tngtech.archunit.base.DescribedPredicate.describe(
                                "are JUnit tests",
                                m ->
                                        m.isAnnotatedWith("org.junit.jupiter.api.Test")
                                                || m.isAnnotatedWith(
                                                        "org.junit.jupiter.params.ParameterizedTest")))
                .and()
                .areTopLevelClasses()
                .should()
                .haveSimpleNameEndingWith("Test")
                .orShould()
                .haveSimpleNameEndingWith("ITCase")
                .check(tests);
    }
}
