/// The id of the request being served, for the log: taken from the caller's `X-Request-Id` when it is a short token
/// (so a proxy's id follows the request through), made here otherwise; sent back in the response's `X-Request-Id`.
/// Every error either shell logs carries it, so a 5xx a user reports can be found in the log by the id they saw.
public enum RequestID {
    @TaskLocal public static var current: String?

    /// The header's name.
    public static let header = "X-Request-Id"

    /// The caller's id when it is 1–64 characters of letters, digits, `-`, `_`, `.` or `:`; nil otherwise (a new one is made).
    public static func accepted(_ text: String?) -> String? {
        guard let text, (1...64).contains(text.utf8.count),
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 || $0 == 46 || $0 == 58 })
        else { return nil }
        return text
    }

    /// What a failure's log line carries in either shell: this request's id, the error's type and its description
    /// (cut to 2,000 characters; stores' errors name statements and SQLSTATEs, never bound values).
    public static func failureFields(_ error: any Error) -> [String: String] {
        ["request_id": current ?? "-", "error_type": String(describing: type(of: error)),
         "error": String(String(describing: error).prefix(2000))]
    }

    /// A new id: 16 random hexadecimal digits.
    public static func make() -> String {
        let n = UInt64.random(in: .min ... .max)
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
