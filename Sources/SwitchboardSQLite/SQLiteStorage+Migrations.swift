import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteStorage {
    /// The versioned schema. Every table carries `workspace_id` and every unique key starts with it,
    /// so a workspace can later move to its own database without a schema rewrite.
    /// Times are integer milliseconds since 1970 (UTC).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(sql: """
                CREATE TABLE workspaces (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    next_conversation_number INTEGER NOT NULL DEFAULT 1,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE agents (
                    id TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                    email TEXT NOT NULL,
                    email_key TEXT NOT NULL,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    UNIQUE (workspace_id, email_key)
                );
                CREATE INDEX agents_by_email ON agents(email_key);
                CREATE TABLE agent_tokens (
                    digest TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL,
                    agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE teams (
                    id TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    UNIQUE (workspace_id, name)
                );
                CREATE TABLE team_members (
                    workspace_id TEXT NOT NULL,
                    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                    agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                    PRIMARY KEY (workspace_id, team_id, agent_id)
                );
                CREATE TABLE inboxes (
                    id TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    inbound_token_digest TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE contacts (
                    id TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    attributes TEXT NOT NULL,
                    search_text TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX contacts_by_creation ON contacts(workspace_id, created_at, id);
                CREATE TABLE contact_handles (
                    workspace_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL,
                    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (workspace_id, kind, value)
                );
                CREATE INDEX contact_handles_by_contact ON contact_handles(contact_id);
                CREATE TABLE contact_identities (
                    workspace_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    external_id TEXT NOT NULL,
                    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (workspace_id, channel, external_id)
                );
                CREATE INDEX contact_identities_by_contact ON contact_identities(contact_id);
                CREATE TABLE conversations (
                    id TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    inbox_id TEXT NOT NULL REFERENCES inboxes(id),
                    channel TEXT NOT NULL,
                    contact_id TEXT NOT NULL REFERENCES contacts(id),
                    status TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    assignee_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
                    team_id TEXT REFERENCES teams(id) ON DELETE SET NULL,
                    labels TEXT NOT NULL,
                    snoozed_until INTEGER,
                    unread_count INTEGER NOT NULL,
                    last_message_content TEXT,
                    last_message_at INTEGER,
                    last_message_direction TEXT,
                    created_at INTEGER NOT NULL,
                    last_activity_at INTEGER NOT NULL,
                    first_response_at INTEGER,
                    waiting_since INTEGER,
                    resolved_at INTEGER,
                    UNIQUE (workspace_id, number)
                );
                CREATE INDEX conversations_by_activity ON conversations(workspace_id, last_activity_at DESC, id DESC);
                CREATE INDEX conversations_by_status ON conversations(workspace_id, status, last_activity_at DESC, id DESC);
                CREATE INDEX conversations_by_contact ON conversations(workspace_id, contact_id, inbox_id, last_activity_at DESC);
                CREATE INDEX conversations_by_assignee ON conversations(workspace_id, assignee_id, last_activity_at DESC);
                CREATE TABLE labels (
                    workspace_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (workspace_id, name)
                );
                CREATE TABLE conversation_labels (
                    workspace_id TEXT NOT NULL,
                    label TEXT NOT NULL,
                    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    PRIMARY KEY (workspace_id, label, conversation_id)
                );
                CREATE INDEX conversation_labels_by_conversation ON conversation_labels(conversation_id);
                CREATE TABLE messages (
                    id TEXT NOT NULL UNIQUE,
                    workspace_id TEXT NOT NULL,
                    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    inbox_id TEXT NOT NULL,
                    direction TEXT NOT NULL,
                    sender_kind TEXT NOT NULL,
                    sender_id TEXT,
                    private INTEGER NOT NULL,
                    content TEXT NOT NULL,
                    status TEXT NOT NULL,
                    external_id TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX messages_by_conversation ON messages(workspace_id, conversation_id, id);
                CREATE UNIQUE INDEX messages_by_external_id ON messages(workspace_id, inbox_id, external_id)
                    WHERE external_id IS NOT NULL;
                CREATE TABLE events (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    workspace_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    inbox_id TEXT,
                    conversation_id TEXT,
                    subject_id TEXT NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    payload TEXT
                );
                CREATE INDEX events_by_workspace ON events(workspace_id, sequence);
                """)
            // Full-text indexes kept in step with their tables by triggers (GRDB's synchronised mode).
            try db.create(virtualTable: "messages_fts", using: FTS5()) { table in
                table.synchronize(withTable: "messages")
                table.tokenizer = .unicode61()
                table.column("content")
            }
            try db.create(virtualTable: "contacts_fts", using: FTS5()) { table in
                table.synchronize(withTable: "contacts")
                table.tokenizer = .unicode61()
                table.column("search_text")
            }
            try db.execute(
                sql: "INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)",
                arguments: [Workspace.defaultID.rawValue, "Default", Timestamp.now()])
        }
        migrator.registerMigration("v2-live-chat") { db in
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN contact_id TEXT;
                CREATE TABLE visitor_sessions (
                    digest TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL,
                    inbox_id TEXT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
                    external_id TEXT NOT NULL,
                    verified INTEGER NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE inbox_members (
                    workspace_id TEXT NOT NULL,
                    inbox_id TEXT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
                    agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                    PRIMARY KEY (workspace_id, inbox_id, agent_id)
                );
                CREATE INDEX inbox_members_by_agent ON inbox_members(workspace_id, agent_id);
                """)
        }
        migrator.registerMigration("v3-attachments") { db in
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
                CREATE TABLE attachments (
                    id TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    filename TEXT NOT NULL,
                    uploader_kind TEXT NOT NULL,
                    uploader_id TEXT,
                    message_id TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX attachments_by_message ON attachments(workspace_id, message_id);
                """)
        }
        migrator.registerMigration("v4-jobs") { db in
            // `seq` orders jobs of one ordering key by when they were enqueued.
            try db.execute(sql: """
                CREATE TABLE jobs (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    workspace_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    ordering_key TEXT,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL,
                    run_at INTEGER NOT NULL,
                    leased_by TEXT,
                    lease_until INTEGER,
                    last_error TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX jobs_due ON jobs(state, run_at);
                CREATE INDEX jobs_by_ordering_key ON jobs(ordering_key, seq) WHERE ordering_key IS NOT NULL;
                """)
        }
        migrator.registerMigration("v5-settings") { db in
            // Labels gain an id, a colour and a description. SQLite cannot add a NOT NULL column without
            // a constant default, so the table is rebuilt; labels made before get random 26-character ids.
            // `content_key` is the content lower-cased in Swift, so both backends match it the same way.
            try db.execute(sql: """
                CREATE TABLE labels_v5 (
                    id TEXT NOT NULL,
                    workspace_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    color TEXT NOT NULL DEFAULT '#6b7280',
                    description TEXT NOT NULL DEFAULT '',
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (workspace_id, name),
                    UNIQUE (workspace_id, id)
                );
                INSERT INTO labels_v5 (id, workspace_id, name, created_at)
                    SELECT upper(hex(randomblob(13))), workspace_id, name, created_at FROM labels ORDER BY rowid;
                DROP TABLE labels;
                ALTER TABLE labels_v5 RENAME TO labels;
                CREATE TABLE canned_responses (
                    id TEXT PRIMARY KEY NOT NULL,
                    workspace_id TEXT NOT NULL,
                    short_code TEXT NOT NULL,
                    content TEXT NOT NULL,
                    content_key TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    UNIQUE (workspace_id, short_code)
                );
                """)
        }
        migrator.registerMigration("v6-batched-message-search", migrate: MessageSearchIndex.migrate)
        // Every message moves its conversation's `last_activity_at`, and SQLite rewrites each index that
        // holds that column: a page per index per message, in the log and at the checkpoint. Two of the
        // four did not need it. A contact has a handful of conversations, so looking them up by contact
        // and sorting those is as fast as reading them in order; and only assigned conversations are
        // ever listed by assignee (unassigned ones come from the status or activity index), so new
        // chats, which are unassigned, no longer touch that index at all.
        migrator.registerMigration("v7-conversation-indexes-off-the-message-path") { db in
            try db.execute(sql: """
                DROP INDEX conversations_by_contact;
                CREATE INDEX conversations_by_contact ON conversations(workspace_id, contact_id, inbox_id);
                DROP INDEX conversations_by_assignee;
                CREATE INDEX conversations_by_assignee ON conversations(workspace_id, assignee_id, last_activity_at DESC)
                    WHERE assignee_id IS NOT NULL;
                """)
        }
        return migrator
    }
}
