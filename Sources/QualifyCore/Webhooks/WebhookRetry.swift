/// When a failed delivery is tried again: exponential backoff with jitter, up to about three days, then the message
/// is marked failed and its subscription flagged. Attempt n (1-based) that fails waits `delays[n-1]` ± 20 %.
public enum WebhookRetry {
    /// 10 s, 30 s, 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h, 24 h, 24 h: 15 attempts over ~3 days.
    public static let delays: [TimeSpan] = [
        .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(1_800), .hours(1), .hours(2), .hours(4),
        .hours(8), .hours(12), .hours(24), .hours(24),
    ]
    /// The number of attempts before a message is given up.
    public static var maximumAttempts: Int { delays.count + 1 }

    /// When to try again after failed attempt number `attempt` (1-based), or nil when it was the last;
    /// `jitter` in 0..<1 spreads retries ±20 % so receivers coming back are not hit all at once.
    public static func next(after attempt: Int, at now: Timestamp, jitter: Double) -> Timestamp? {
        guard attempt >= 1, attempt <= delays.count else { return nil }
        let base = Double(delays[attempt - 1].millis)
        let factor = 0.8 + 0.4 * min(max(jitter, 0), 1)
        return now.adding(TimeSpan(millis: Int64(base * factor)))
    }
}
