import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresStorage.Migrations {
    /// The schema of SQLite's v1–v3 in one step. Every table carries `workspace_id` and every unique
    /// key starts with it. Times are BIGINT milliseconds since 1970; JSON is kept as text, encoded
    /// like SQLite's. Ids and keys compare bytewise (`COLLATE "C"`), as Swift compares them.
    /// Full-text columns hold `to_tsvector('simple', …)` of words normalised in Swift (`SearchText`).
    static let foundation: [PostgresQuery] = [
        """
        CREATE TABLE workspaces (
            id TEXT COLLATE "C" PRIMARY KEY,
            name TEXT NOT NULL,
            next_conversation_number BIGINT NOT NULL DEFAULT 1,
            created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE agents (
            id TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id),
            email TEXT NOT NULL,
            email_key TEXT COLLATE "C" NOT NULL,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (workspace_id, email_key))
        """,
        "CREATE INDEX agents_by_email ON agents (email_key)",
        """
        CREATE TABLE agent_tokens (
            digest TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            agent_id TEXT COLLATE "C" NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE teams (
            id TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            name TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (workspace_id, name))
        """,
        """
        CREATE TABLE team_members (
            workspace_id TEXT COLLATE "C" NOT NULL,
            team_id TEXT COLLATE "C" NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
            agent_id TEXT COLLATE "C" NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
            PRIMARY KEY (workspace_id, team_id, agent_id))
        """,
        """
        CREATE TABLE inboxes (
            id TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            name TEXT NOT NULL,
            channel TEXT NOT NULL,
            settings TEXT NOT NULL,
            inbound_token_digest TEXT,
            created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE inbox_members (
            workspace_id TEXT COLLATE "C" NOT NULL,
            inbox_id TEXT COLLATE "C" NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
            agent_id TEXT COLLATE "C" NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
            PRIMARY KEY (workspace_id, inbox_id, agent_id))
        """,
        "CREATE INDEX inbox_members_by_agent ON inbox_members (workspace_id, agent_id)",
        """
        CREATE TABLE contacts (
            id TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            name TEXT NOT NULL,
            attributes TEXT NOT NULL,
            search_vector TSVECTOR NOT NULL,
            created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX contacts_by_creation ON contacts (workspace_id, created_at DESC, id DESC)",
        // A GIN index cannot start with workspace_id without the btree_gin extension; the workspace
        // condition filters what the index finds.
        "CREATE INDEX contacts_search ON contacts USING gin (search_vector)",
        """
        CREATE TABLE contact_handles (
            workspace_id TEXT COLLATE "C" NOT NULL,
            kind TEXT NOT NULL,
            value TEXT COLLATE "C" NOT NULL,
            contact_id TEXT COLLATE "C" NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            position BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, kind, value))
        """,
        "CREATE INDEX contact_handles_by_contact ON contact_handles (workspace_id, contact_id)",
        """
        CREATE TABLE contact_identities (
            workspace_id TEXT COLLATE "C" NOT NULL,
            channel TEXT COLLATE "C" NOT NULL,
            external_id TEXT COLLATE "C" NOT NULL,
            contact_id TEXT COLLATE "C" NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, channel, external_id))
        """,
        "CREATE INDEX contact_identities_by_contact ON contact_identities (workspace_id, contact_id)",
        """
        CREATE TABLE conversations (
            id TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            number BIGINT NOT NULL,
            inbox_id TEXT COLLATE "C" NOT NULL REFERENCES inboxes(id),
            channel TEXT NOT NULL,
            contact_id TEXT COLLATE "C" NOT NULL REFERENCES contacts(id),
            status TEXT NOT NULL,
            priority TEXT NOT NULL,
            assignee_id TEXT COLLATE "C" REFERENCES agents(id) ON DELETE SET NULL,
            team_id TEXT COLLATE "C" REFERENCES teams(id) ON DELETE SET NULL,
            labels TEXT NOT NULL,
            snoozed_until BIGINT,
            unread_count BIGINT NOT NULL,
            last_message_content TEXT,
            last_message_at BIGINT,
            last_message_direction TEXT,
            created_at BIGINT NOT NULL,
            last_activity_at BIGINT NOT NULL,
            first_response_at BIGINT,
            waiting_since BIGINT,
            resolved_at BIGINT,
            UNIQUE (workspace_id, number))
        """,
        "CREATE INDEX conversations_by_activity ON conversations (workspace_id, last_activity_at DESC, id DESC)",
        "CREATE INDEX conversations_by_status ON conversations (workspace_id, status, last_activity_at DESC, id DESC)",
        "CREATE INDEX conversations_by_contact ON conversations (workspace_id, contact_id, inbox_id, last_activity_at DESC)",
        "CREATE INDEX conversations_by_assignee ON conversations (workspace_id, assignee_id, last_activity_at DESC)",
        """
        CREATE TABLE labels (
            workspace_id TEXT COLLATE "C" NOT NULL,
            name TEXT COLLATE "C" NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, name))
        """,
        """
        CREATE TABLE conversation_labels (
            workspace_id TEXT COLLATE "C" NOT NULL,
            label TEXT COLLATE "C" NOT NULL,
            conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            PRIMARY KEY (workspace_id, label, conversation_id))
        """,
        "CREATE INDEX conversation_labels_by_conversation ON conversation_labels (workspace_id, conversation_id)",
        """
        CREATE TABLE messages (
            id TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            inbox_id TEXT COLLATE "C" NOT NULL,
            direction TEXT NOT NULL,
            sender_kind TEXT NOT NULL,
            sender_id TEXT COLLATE "C",
            private BOOLEAN NOT NULL,
            content TEXT NOT NULL,
            attachments TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL,
            external_id TEXT COLLATE "C",
            created_at BIGINT NOT NULL,
            search_vector TSVECTOR NOT NULL)
        """,
        "CREATE INDEX messages_by_conversation ON messages (workspace_id, conversation_id, id)",
        """
        CREATE UNIQUE INDEX messages_by_external_id ON messages (workspace_id, inbox_id, external_id)
            WHERE external_id IS NOT NULL
        """,
        "CREATE INDEX messages_search ON messages USING gin (search_vector)",
        """
        CREATE TABLE attachments (
            id TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            digest TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size BIGINT NOT NULL,
            filename TEXT NOT NULL,
            uploader_kind TEXT NOT NULL,
            uploader_id TEXT COLLATE "C",
            message_id TEXT COLLATE "C",
            created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX attachments_by_message ON attachments (workspace_id, message_id)",
        """
        CREATE TABLE visitor_sessions (
            digest TEXT COLLATE "C" PRIMARY KEY,
            workspace_id TEXT COLLATE "C" NOT NULL,
            inbox_id TEXT COLLATE "C" NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
            external_id TEXT COLLATE "C" NOT NULL,
            verified BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL)
        """,
        // Writers insert events with no position; the sequencer numbers them once every transaction
        // that could still add an earlier one has finished (`xid` below the oldest running one).
        """
        CREATE TABLE events (
            seq BIGSERIAL PRIMARY KEY,
            position BIGINT UNIQUE,
            xid XID8 NOT NULL DEFAULT pg_current_xact_id(),
            workspace_id TEXT COLLATE "C" NOT NULL,
            kind TEXT NOT NULL,
            inbox_id TEXT COLLATE "C",
            conversation_id TEXT COLLATE "C",
            contact_id TEXT COLLATE "C",
            subject_id TEXT COLLATE "C" NOT NULL,
            occurred_at BIGINT NOT NULL,
            payload TEXT)
        """,
        "CREATE INDEX events_by_workspace ON events (workspace_id, position)",
        // Only unnumbered events are in these: the sequencer's scan and a reader's wait for its workspace.
        "CREATE INDEX events_pending ON events (seq) WHERE position IS NULL",
        "CREATE INDEX events_pending_by_workspace ON events (workspace_id, seq) WHERE position IS NULL",
        "INSERT INTO workspaces (id, name, created_at) VALUES (\(Workspace.defaultID.rawValue), 'Default', \(Timestamp.now()))",
    ]
}
