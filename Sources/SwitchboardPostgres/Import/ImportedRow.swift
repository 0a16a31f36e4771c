import SwitchboardStore

/// One row of an installation as this schema stores it: the columns of the other backend's table,
/// renamed and converted where the schemas differ, plus what is computed here.
struct ImportedRow {
    /// What is written to one column.
    enum Cell {
        case value(TableValue)
        case boolean(Bool)
        /// Words for `to_tsvector('simple', …)`, cut by ``SearchText`` as this backend's writes cut them.
        case searchDocument(String)
    }

    let columns: [String]
    let cells: [Cell]

    /// `row` of `table` (its values in the order of `page.columns`) as this schema's columns.
    /// `handles` gives each contact's emails and phones, which its search vector is made of.
    init(_ row: [TableValue], of page: TableRows, table: String, handles: ContactHandles) {
        var columns: [String] = []
        var cells: [Cell] = []
        for (column, value) in zip(page.columns, row) {
            switch (table, column) {
            case ("contacts", "search_text"):
                // SQLite's own full-text column; the vector below replaces it.
                continue
            case ("messages", "private"), ("visitor_sessions", "verified"):
                columns.append(column)
                cells.append(.boolean(value != .integer(0) && value != .null))
            case ("events", "sequence"):
                // Clients hold event ids: the log position stays what it was, and so does the order.
                columns += ["seq", "position"]
                cells += [.value(value), .value(value)]
            default:
                columns.append(column)
                cells.append(.value(value))
            }
        }
        switch table {
        case "contacts":
            columns.append("search_vector")
            cells.append(.searchDocument(handles.searchDocument(name: page.value("name", in: row), id: page.value("id", in: row))))
        case "messages":
            columns.append("search_vector")
            let content = if case .text(let content) = page.value("content", in: row) { content } else { "" }
            cells.append(.searchDocument(SearchText.document(content)))
        default:
            break
        }
        self.columns = columns
        self.cells = cells
    }
}

/// Every contact's emails and phones, read before the contacts so that each contact's search vector
/// is written with the row.
struct ContactHandles {
    private var byContact: [String: [(kind: String, position: Int64, value: String)]] = [:]

    mutating func add(_ page: TableRows) {
        for row in page.rows {
            guard case .text(let contact) = page.value("contact_id", in: row), case .text(let kind) = page.value("kind", in: row),
                  case .text(let value) = page.value("value", in: row)
            else { continue }
            guard case .integer(let position) = page.value("position", in: row) else { continue }
            byContact[contact, default: []].append((kind, position, value))
        }
    }

    /// The words a contact is found by: its name, then its emails, then its phones (each in the order
    /// the contact got them), as the backend's merge writes them. A new contact's vector, built up
    /// handle by handle, matches the same words.
    func searchDocument(name: TableValue, id: TableValue) -> String {
        guard case .text(let name) = name else { return "" }
        guard case .text(let id) = id else { return SearchText.document(name) }
        let handles = (byContact[id] ?? []).sorted { ($0.position, $0.value) < ($1.position, $1.value) }
        let emails = handles.filter { $0.kind == ContactHandle.email.rawValue }.map(\.value)
        let phones = handles.filter { $0.kind == ContactHandle.phone.rawValue }.map(\.value)
        return SearchText.document([name] + emails + phones)
    }
}
