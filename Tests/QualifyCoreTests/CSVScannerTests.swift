@testable import QualifyCore
import Testing

@Suite struct CSVScannerTests {
    func scan(_ text: String, chunk: Int = 3) -> [CSVScanner.Step] {
        var scanner = CSVScanner()
        let bytes = Array(text.utf8)
        var offset = 0
        var out: [CSVScanner.Step] = []
        var final = false
        while true {
            let step = scanner.next(final: final)
            switch step {
            case .needMore:
                if offset < bytes.count {
                    scanner.append(bytes[offset..<min(bytes.count, offset + chunk)])
                    offset += chunk
                } else { final = true }
            case .end: return out
            default: out.append(step)
            }
        }
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func recordsAndLineNumbersSurviveAnyChunking(_ chunk: Int) {
        let text = "a,b\r\n1,\"x,y\"\n\n2,\"multi\nline\"\n3,\"say \"\"hi\"\"\"\n4,last"
        #expect(scan(text, chunk: chunk) == [
            .record(["a", "b"], line: 1),
            .record(["1", "x,y"], line: 2),
            .record(["2", "multi\nline"], line: 4),
            .record(["3", "say \"hi\""], line: 6),
            .record(["4", "last"], line: 7),
        ])
    }

    @Test func badQuotingIsReportedAndTheNextLineIsRead() {
        let steps = scan("h\nab\"c,d\n\"x\"y,z\nok\n\"never closed\nafter\n")
        #expect(steps == [
            .record(["h"], line: 1),
            .bad(line: 2, .quoteInUnquotedField(field: 1)),
            .bad(line: 3, .textAfterClosingQuote(field: 1)),
            .record(["ok"], line: 4),
            .bad(line: 5, .unterminatedQuote(field: 1)),
            .record(["after"], line: 6),
        ])
    }

    @Test func invalidUTF8HugeFieldsAndBOM() {
        var scanner = CSVScanner(maxFieldBytes: 10)
        scanner.append([0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8) + [0xC3, 0x28] + Array(",x\n".utf8) + Array("12345678901,y\nfine,z\n".utf8))
        var steps: [CSVScanner.Step] = []
        while true {
            let s = scanner.next(final: true)
            if s == .end { break }
            steps.append(s)
        }
        #expect(steps == [
            .record(["a", "b"], line: 1),
            .bad(line: 2, .invalidUTF8(field: 1)),
            .bad(line: 3, .fieldTooLong(field: 1, limit: 10)),
            .record(["fine", "z"], line: 4),
        ])
    }

    @Test func utf16IsRefused() {
        var scanner = CSVScanner()
        scanner.append([0xFF, 0xFE, 0x61, 0x00])
        #expect(scanner.next(final: true) == .bad(line: 1, .utf16))
    }

    /// A line that never ends (issue 21: a 300 MB line took 572 MB) is reported once and dropped as it comes: the
    /// buffer never holds much more than the record limit, and the next line is read.
    @Test(arguments: [false, true]) func anOverlongRowIsDroppedChunkByChunk(quoted: Bool) {
        var scanner = CSVScanner(maxFieldBytes: 1_000, maxRecordBytes: 4_000)
        var steps: [CSVScanner.Step] = []
        var largestBuffer = 0
        let chunk = [UInt8](repeating: UInt8(ascii: quoted ? "x" : ","), count: 512)
        scanner.append(Array("a,b\n\(quoted ? "\"" : "")".utf8))
        var sent = 0
        var tail = Array("\nfine,z\n".utf8)
        while true {
            let step = scanner.next(final: tail.isEmpty && sent >= 40_000)
            if step == .end { break }
            if step != .needMore { steps.append(step); continue }
            if sent < 40_000 {
                scanner.append(chunk)
                sent += chunk.count
            } else if !tail.isEmpty {
                scanner.append(tail)
                tail = []
            }
            largestBuffer = max(largestBuffer, scanner.buffer.count)
        }
        #expect(steps == [
            .record(["a", "b"], line: 1),
            .bad(line: 2, quoted ? .fieldTooLong(field: 1, limit: 1_000) : .recordTooLong(limit: 4_000)),
            .record(["fine", "z"], line: 3),
        ])
        #expect(largestBuffer < 4_000 + 2 * chunk.count)
    }

    /// A short row of many empty fields is refused by count before its strings pile up.
    @Test func aRowOfCommasIsRefusedByItsFieldCount() {
        var scanner = CSVScanner()
        scanner.append(Array(("a\n" + String(repeating: ",", count: 20_000) + "\nb\n").utf8))
        var steps: [CSVScanner.Step] = []
        while case let step = scanner.next(final: true), step != .end { steps.append(step) }
        #expect(steps == [.record(["a"], line: 1), .bad(line: 2, .tooManyFields(limit: CSVScanner.maxFields)), .record(["b"], line: 3)])
    }
}
