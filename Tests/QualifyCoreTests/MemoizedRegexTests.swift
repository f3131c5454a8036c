@testable import QualifyCore
import Testing

@Suite struct MemoizedRegexTests {
    @Test func answersAreRememberedForShortASCIIValuesOnly() throws {
        let memo = MemoizedRegex(try Regex(#"(?i)\b(vp|head|chief)\b"#))
        #expect(memo.matches("VP Sales") && memo.matches("VP Sales") && !memo.matches("MVP Sales"))
        #expect(memo.remembered == 2)
        #expect(memo.matches("Head of Ventas Ñ") && memo.remembered == 2, "not ASCII: matched, not kept")
        #expect(memo.matches(String(repeating: "x", count: 300) + " chief") && memo.remembered == 2, "long: matched, not kept")
    }

    @Test func pastTheLimitValuesAreMatchedEachTime() throws {
        let memo = MemoizedRegex(try Regex(#"7$"#))
        for i in 0..<(MemoizedRegex.limit + 500) {
            #expect(memo.matches("title \(i)") == (i % 10 == 7))
        }
        #expect(memo.remembered == MemoizedRegex.limit)
        #expect(memo.matches("title \(MemoizedRegex.limit)7") && !memo.matches("title \(MemoizedRegex.limit)8") && memo.remembered == MemoizedRegex.limit)
    }

    @Test func threadsSharingOneMemoGetTheSameAnswers() async throws {
        let pattern = #"(?i)^(cto|ceo|cfo)$"#
        let memo = MemoizedRegex(try Regex(pattern))
        nonisolated(unsafe) let shared = memo
        let titles = ["CTO", "cto", "Engineer", "CEO", "cfo ", "CFO"]
        let wrong = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<2_000 {
                        let title = titles[round % titles.count]
                        if shared.matches(title) != ["CTO", "cto", "CEO", "CFO"].contains(title) { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0 && memo.remembered == titles.count)
    }
}
