import PostgresNIO

/// SQL text and its bound values, built piece by piece: for statements whose shape depends on the
/// data (a row per event), and for several writes joined into one statement (``MessageWrite``),
/// which is one round trip to the server instead of one per write.
struct StatementBuilder {
    private(set) var sql = ""
    private(set) var binds = PostgresBindings()

    mutating func append(_ text: String) { sql += text }

    /// Binds `value` and returns its placeholder. Only placeholders ever reach the text.
    mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws -> String {
        try binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws -> String {
        try binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
