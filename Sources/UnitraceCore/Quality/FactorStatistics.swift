import Foundation

/// How strongly one factor value (a lot, a line, a supplier…) goes with failure: the two-by-two table of
/// failed and fine units with and without it, the relative risk with its 95 % confidence interval, and
/// Fisher's exact one-sided p-value (the chance of at least this many failures with the value if it made no
/// difference).
public struct FactorStatistics: Hashable, Sendable {
    /// Failed units with the value, failed without it, fine units with it, fine without it.
    public var failedWith: Int
    public var failedWithout: Int
    public var fineWith: Int
    public var fineWithout: Int

    public init(failedWith: Int, failedWithout: Int, fineWith: Int, fineWithout: Int) {
        self.failedWith = failedWith
        self.failedWithout = failedWithout
        self.fineWith = fineWith
        self.fineWithout = fineWithout
    }

    /// The failure rate among units with the value, and among the rest.
    public var rateWith: Double { Self.rate(failedWith, failedWith + fineWith) }
    public var rateWithout: Double { Self.rate(failedWithout, failedWithout + fineWithout) }

    /// The failure rate with the value over the rate without it. With a zero in the table, half a unit is
    /// added to every cell (Haldane's correction), so the ratio and its interval stay finite.
    public var relativeRisk: Double {
        let (a, b, c, d) = corrected
        return (a / (a + c)) / (b / (b + d))
    }

    /// The 95 % confidence interval of the relative risk (Katz's log method).
    public var confidenceInterval: (low: Double, high: Double) {
        let (a, b, c, d) = corrected
        let error = (1 / a - 1 / (a + c) + 1 / b - 1 / (b + d)).squareRoot()
        let log = Foundation.log(relativeRisk)
        return (exp(log - 1.959964 * error), exp(log + 1.959964 * error))
    }

    /// Fisher's exact test, one-sided: the probability, with the margins fixed, of at least `failedWith`
    /// failures among the units with the value.
    public var fisherPValue: Double {
        let withValue = failedWith + fineWith
        let failed = failedWith + failedWithout
        let total = withValue + failedWithout + fineWithout
        let most = min(withValue, failed)
        guard failedWith <= most else { return 0 }
        var sum = 0.0
        for k in failedWith...most {
            sum += exp(
                Self.logChoose(failed, k) + Self.logChoose(total - failed, withValue - k)
                    - Self.logChoose(total, withValue))
        }
        return min(1, sum)
    }

    private var corrected: (Double, Double, Double, Double) {
        let cells = [failedWith, failedWithout, fineWith, fineWithout]
        let extra = cells.contains(0) ? 0.5 : 0
        return (
            Double(failedWith) + extra, Double(failedWithout) + extra, Double(fineWith) + extra,
            Double(fineWithout) + extra
        )
    }

    private static func rate(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    private static func logChoose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return -.infinity }
        return lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}
