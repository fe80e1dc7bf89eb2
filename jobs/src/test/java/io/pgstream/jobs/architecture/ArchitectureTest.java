package io.pgstream.jobs.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layering of the jobs true, and checks the connector against the jobs: only here are
 * both modules' classes on the classpath, so only here can "the connector never depends on the
 * jobs" fail.
 *
 * <p>The layers, from the top: the command line uses everything; templates build jobs from job
 * files out of the embedding stage, document mapping and sinks; the status line reads the sinks'
 * metrics; the SQL vector tables (found by Flink through {@code META-INF/services}) wrap the sinks;
 * the sinks, embedding and document mapping know nothing of the layers above them.
 */
class ArchitectureTest {

    private static final String CLI = "io.pgstream.jobs.cli..";
    private static final String TEMPLATES = "io.pgstream.jobs.templates..";
    private static final String STATUS = "io.pgstream.jobs.status..";
    private static final String DEMO = "io.pgstream.jobs.demo..";
    private static final String EMBEDDING = "io.pgstream.jobs.embedding..";
    private static final String DOCUMENT = "io.pgstream.jobs.document..";
    private static final String SINK = "io.pgstream.jobs.sink..";
    private static final String TABLE = "io.pgstream.jobs.table..";
    private static final String MODEL = "io.pgstream.jobs.model..";

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        // The connector's test-jar is on this module's test classpath.
                        .withImportOption(location -> !location.contains("-tests.jar"))
                        .importPackages("io.pgstream");
    }

    @Test
    void connectorNeverDependsOnJobs() {
        noClasses()
                .that()
                .resideInAPackage("io.pgstream.connector..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.pgstream.jobs..")
                .because("the connector is a library the jobs use, usable without them")
                .check(production);
    }

    @Test
    void jobsAreLayered() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Command line")
                .definedBy(CLI)
                .layer("Templates")
                .definedBy(TEMPLATES)
                .layer("Status")
                .definedBy(STATUS)
                .layer("Demo")
                .definedBy(DEMO)
                .layer("Embedding")
                .definedBy(EMBEDDING)
                .layer("Document")
                .definedBy(DOCUMENT)
                .layer("Table")
                .definedBy(TABLE)
                .layer("Sink")
                .definedBy(SINK)
                .layer("SQL models")
                .definedBy(MODEL)
                .whereLayer("Command line")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Templates")
                .mayOnlyBeAccessedByLayers("Command line")
                .whereLayer("Status")
                .mayOnlyBeAccessedByLayers("Command line")
                .whereLayer("Demo")
                .mayOnlyBeAccessedByLayers("Command line")
                .whereLayer("SQL models")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Embedding")
                .mayOnlyBeAccessedByLayers("Templates", "Command line", "SQL models")
                .whereLayer("Document")
                .mayOnlyBeAccessedByLayers("Embedding", "Templates", "Command line")
                .whereLayer("Table")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Sink")
                .mayOnlyBeAccessedByLayers(
                        "Embedding", "Templates", "Status", "Table", "Command line")
                .check(production);
    }

    @Test
    void statusReadsOnlyTheSinksSharedMetrics() {
        noClasses()
                .that()
                .resideInAPackage(STATUS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.pgstream.jobs.sink.pgvector..", "io.pgstream.jobs.sink.qdrant..")
                .because("the status line works the same whichever vector store a job writes to")
                .check(production);
    }

    @Test
    void sinkContractsDoNotDependOnVectorStores() {
        noClasses()
                .that()
                .resideInAPackage("io.pgstream.jobs.sink")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.pgstream.jobs.sink.pgvector..", "io.pgstream.jobs.sink.qdrant..")
                .because("the shared sink classes serve every vector store")
                .check(production);
    }

    @Test
    void vectorStoresAreIndependent() {
        noClasses()
                .that()
                .resideInAPackage("io.pgstream.jobs.sink.pgvector..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.pgstream.jobs.sink.qdrant..")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage("io.pgstream.jobs.sink.qdrant..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.pgstream.jobs.sink.pgvector..")
                .check(production);
    }

    @Test
    void commandLineLeavesSqlToTheClassesThatOwnIt() {
        noClasses()
                .that()
                .resideInAPackage(CLI)
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(
                        java.sql.ResultSet.class,
                        java.sql.Statement.class,
                        java.sql.PreparedStatement.class,
                        java.sql.CallableStatement.class)
                .because(
                        "catalog questions are answered by the connector's slot package"
                                + " (ServerCatalog, SlotManager) and data is written by the sinks and"
                                + " the demo data, so each query exists once")
                .check(production);
    }
}
