import Metrics
import Prometheus

/// The process-wide metrics backend. Bootstrapping is global and allowed once, so only the CLI
/// does it; tests build the application with a registry of their own.
enum MetricsBootstrap {
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
