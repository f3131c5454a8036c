import QualifyCore
import Testing

@Suite struct WebhookRuleTests {
    @Test func retriesBackOffForAboutThreeDaysThenStop() {
        let t = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
        let total = WebhookRetry.delays.reduce(0) { $0 + $1.millis }
        #expect(total > 2 * 86_400_000 && total < 4 * 86_400_000, "about three days: \(Double(total) / 86_400_000) days")
        #expect(zip(WebhookRetry.delays, WebhookRetry.delays.dropFirst()).allSatisfy { $0.0 <= $0.1 }, "never shorter than the one before")
        #expect(WebhookRetry.next(after: 1, at: t, jitter: 0.5) == t.adding(.seconds(10)))
        #expect(WebhookRetry.next(after: 1, at: t, jitter: 0) == t.adding(.seconds(8)))
        #expect(WebhookRetry.next(after: 1, at: t, jitter: 1) == t.adding(.seconds(12)))
        #expect(WebhookRetry.next(after: WebhookRetry.delays.count, at: t, jitter: 0.5) != nil)
        #expect(WebhookRetry.next(after: WebhookRetry.maximumAttempts, at: t, jitter: 0.5) == nil, "the last attempt is not retried")
        #expect(WebhookRetry.next(after: 0, at: t, jitter: 0.5) == nil)
    }

    @Test(arguments: [
        ("https://hooks.example.com/qualify", false, true),
        ("http://203.0.113.9:8080/x", false, true),
        ("http://127.0.0.1:9000/hook", false, false),
        ("http://localhost/hook", false, false),
        ("http://10.1.2.3/hook", false, false),
        ("http://172.20.0.5/hook", false, false),
        ("http://172.32.0.5/hook", false, true),
        ("http://192.168.1.10/hook", false, false),
        ("http://169.254.169.254/latest/meta-data", false, false),
        ("http://[::1]:8080/hook", false, false),
        ("http://[fd00::1]/hook", false, false),
        ("http://user@127.0.0.1/hook", false, false),
        ("http://127.0.0.1:9000/hook", true, true),
        ("ftp://example.com/x", true, false),
        ("https:///nohost", true, false),
        ("https://exa mple.com/", true, false),
    ])
    func targetsAreCheckedBeforeAnythingIsSent(url: String, allowPrivate: Bool, accepted: Bool) {
        let result = WebhookTarget.check(url, allowPrivate: allowPrivate)
        if case .success = result { #expect(accepted, "\(url) accepted") } else { #expect(!accepted, "\(url) refused: \(result)") }
    }
}
