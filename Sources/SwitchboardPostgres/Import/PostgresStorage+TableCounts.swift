import PostgresNIO
import SwitchboardStore

extension PostgresStorage {
    /// How many rows each table of the installation holds.
    public func tableCounts() async throws -> [String: Int] {
        try await read { session in try await Self.counts(in: session) }
    }

    static func counts(in session: Session) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in InstallationTables.all {
            counts[table] = Int(try await session.value("SELECT count(*) FROM \(unescaped: table)", as: Int64.self) ?? 0)
        }
        return counts
    }

    /// The tables that already hold rows (the default workspace does not count).
    static func occupiedTables(in session: Session) async throws -> [String] {
        var occupied: [String] = []
        for table in InstallationTables.all where table != "workspaces" {
            if try await session.value("SELECT EXISTS (SELECT 1 FROM \(unescaped: table))", as: Bool.self) == true {
                occupied.append(table)
            }
        }
        return occupied
    }
}
