import Hummingbird
import SwitchboardStore

extension Request {
    /// `?limit=&cursor=`: limit 1...100 (default 25). Anything else is a 400 naming the parameter.
    func pageRequest() throws -> PageRequest {
        let query = uri.queryParameters
        var limit = PageRequest.defaultLimit
        if let raw = query["limit"] {
            guard let value = Int(String(raw)), (1...PageRequest.maxLimit).contains(value) else {
                throw APIError.invalidQuery("limit must be a whole number from 1 to \(PageRequest.maxLimit).")
            }
            limit = value
        }
        let cursor = query["cursor"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if let cursor, Cursor(token: cursor) == nil {
            throw APIError(.badRequest, code: "invalid_cursor", message: "The cursor is not one this server handed out.")
        }
        return PageRequest(limit: limit, cursor: cursor)
    }

    /// A query parameter that must be one of an enum's raw values, or nil when absent or empty.
    func queryEnum<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T? where T.RawValue == String {
        guard let raw = uri.queryParameters[Substring(name)].map(String.init), !raw.isEmpty else { return nil }
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalidQuery("\(name) must be one of: \(allowed).")
        }
        return value
    }

    /// A plain query parameter, nil when absent or empty.
    func queryString(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }
}
