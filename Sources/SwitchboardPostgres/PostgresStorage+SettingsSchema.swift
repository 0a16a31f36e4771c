import PostgresNIO

extension PostgresStorage.Migrations {
    /// Labels gain an id, a colour and a description (labels made before get random 26-character
    /// ids), and canned responses arrive. `content_key` is the content lower-cased in Swift, so both
    /// backends match it the same way.
    static let settings: [PostgresQuery] = [
        """
        ALTER TABLE labels
            ADD COLUMN id TEXT COLLATE "C",
            ADD COLUMN color TEXT NOT NULL DEFAULT '#6b7280',
            ADD COLUMN description TEXT NOT NULL DEFAULT ''
        """,
        "UPDATE labels SET id = upper(substr(md5(random()::text || workspace_id || name), 1, 26))",
        "ALTER TABLE labels ALTER COLUMN id SET NOT NULL",
        "ALTER TABLE labels ADD CONSTRAINT labels_workspace_id_id_key UNIQUE (workspace_id, id)",
        """
        CREATE TABLE canned_responses (
            id TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            short_code TEXT COLLATE "C" NOT NULL,
            content TEXT NOT NULL,
            content_key TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (workspace_id, short_code))
        """,
    ]
}
