import PostgresNIO

extension PostgresStorage.Migrations {
    /// The job queue shared by every node. Claims scan every workspace, so its indexes start with
    /// the state; `seq` orders the jobs of one ordering key by when they were enqueued.
    static let jobs: [PostgresQuery] = [
        """
        CREATE TABLE jobs (
            seq BIGSERIAL PRIMARY KEY,
            id TEXT COLLATE "C" NOT NULL UNIQUE,
            workspace_id TEXT COLLATE "C" NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            ordering_key TEXT COLLATE "C",
            state TEXT NOT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            max_attempts BIGINT NOT NULL,
            run_at BIGINT NOT NULL,
            leased_by TEXT,
            lease_until BIGINT,
            last_error TEXT,
            created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX jobs_due ON jobs (state, run_at)",
        "CREATE INDEX jobs_by_ordering_key ON jobs (ordering_key, seq) WHERE ordering_key IS NOT NULL",
    ]
}
