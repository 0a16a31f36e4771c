extension Duration {
    /// The duration as fractional seconds, for rates and reports (`Duration` itself offers only its
    /// whole seconds and attoseconds).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
