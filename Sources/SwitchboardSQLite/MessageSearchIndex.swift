import GRDB

/// Keeps `messages_fts` (the full-text index of message content) in step with `messages`, one batch at
/// a time instead of one row at a time.
///
/// Every write of a group commit runs in its own savepoint, and FTS5 writes its pending terms out as a
/// new index segment at every savepoint: indexed row by row from a trigger, each message became its own
/// tiny segment, later merged again. That was about a fifth of the writer's time per chat message
/// (`switchboard bench store`, 2026-12-01). Now the insert trigger only notes the row, and the group
/// committer indexes all noted rows once, in the batch's transaction just before it commits: a search
/// run after a write has returned finds it, as before.
enum MessageSearchIndex {
    /// Replaces the row-by-row triggers GRDB's synchronised FTS5 table made (`__messages_fts_*`).
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER IF EXISTS __messages_fts_ai;
            DROP TRIGGER IF EXISTS __messages_fts_au;
            DROP TRIGGER IF EXISTS __messages_fts_ad;
            CREATE TABLE messages_fts_pending (message_rowid INTEGER PRIMARY KEY);
            CREATE TRIGGER messages_fts_note_insert AFTER INSERT ON messages BEGIN
                INSERT OR IGNORE INTO messages_fts_pending (message_rowid) VALUES (new.rowid);
            END;
            -- A row still waiting to be indexed is not in the index yet: FTS5 must not be told to
            -- delete what it never had (that would corrupt its term counts).
            CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, content)
                    SELECT 'delete', old.rowid, old.content
                    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid);
                INSERT OR IGNORE INTO messages_fts_pending (message_rowid) VALUES (new.rowid);
            END;
            CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, content)
                    SELECT 'delete', old.rowid, old.content
                    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid);
                DELETE FROM messages_fts_pending WHERE message_rowid = old.rowid;
            END;
            """)
    }

    /// Indexes the rows noted since the last call. Runs inside the writer's transaction.
    static func indexPending(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO messages_fts (rowid, content)
            SELECT m.rowid, m.content FROM messages_fts_pending p JOIN messages m ON m.rowid = p.message_rowid
            """).execute()
        try db.cachedStatement(sql: "DELETE FROM messages_fts_pending").execute()
    }
}
