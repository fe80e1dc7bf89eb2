package io.pgstream.jobs.sink.pgvector;

/** The sink contract with upserts staged through {@code COPY}. */
class PgVectorCopyMergeContractITCase extends PgVectorSinkContractITCase {
    @Override
    PgVectorApplier.UpsertMethod method() {
        return PgVectorApplier.UpsertMethod.COPY_MERGE;
    }
}
