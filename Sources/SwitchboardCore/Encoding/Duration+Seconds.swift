extension Duration {
    /// The duration as fractional seconds, for rates and reports (`Duration` itself offers only its
    /// whole seconds and attoseconds).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in whole milliseconds (sub-millisecond rest dropped), as both storage backends keep times.
    public var inMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
