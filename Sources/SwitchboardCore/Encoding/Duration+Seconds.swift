extension Duration {
    /// The duration as fractional seconds, for rates and reports (`Duration` itself offers only its
    /// whole seconds and attoseconds).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in whole milliseconds (sub-millisecond rest dropped), as both storage backends keep times.
    /// Saturates at Int64's bounds (a duration beyond 292 million years reads as "forever") instead of trapping.
    public var inMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflowed) = seconds.multipliedReportingOverflow(by: 1000)
        let (total, overflowedAgain) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if overflowed || overflowedAgain { return seconds < 0 ? .min : .max }
        return total
    }
}
