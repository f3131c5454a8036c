/// Stratified k-fold assignment: each class is shuffled with a seeded generator and dealt round-robin into the
/// folds, so every fold holds the same share of positives (to within one row) and the same seed gives the same
/// folds on every machine.
public enum StratifiedFolds {
    /// The fold (0 ..< k) of every row.
    public static func assign(labels: [Bool], folds k: Int, seed: UInt64) -> [Int] {
        precondition(k >= 1, "at least one fold")
        var positives = labels.indices.filter { labels[$0] }
        var negatives = labels.indices.filter { !labels[$0] }
        var rng = DemoRandom(seed: seed, stream: 0x666F_6C64, index: 0)  // "fold"
        shuffle(&positives, &rng)
        shuffle(&negatives, &rng)
        var fold = [Int](repeating: 0, count: labels.count)
        for (i, r) in positives.enumerated() { fold[r] = i % k }
        // Negatives continue the deal where positives stopped, so fold sizes differ by at most one row.
        for (i, r) in negatives.enumerated() { fold[r] = (positives.count + i) % k }
        return fold
    }

    /// Fisher–Yates, drawing from the given generator (integer arithmetic only, so portable).
    static func shuffle(_ items: inout [Int], _ rng: inout DemoRandom) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = rng.below(i + 1)
            items.swapAt(i, j)
        }
    }

    /// The rows of one fold, and the others.
    public static func split(_ folds: [Int], _ f: Int, within rows: [Int]? = nil) -> (train: [Int], test: [Int]) {
        var train: [Int] = [], test: [Int] = []
        for r in rows ?? Array(folds.indices) {
            if folds[r] == f { test.append(r) } else { train.append(r) }
        }
        return (train, test)
    }
}
