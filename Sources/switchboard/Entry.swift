import ArgumentParser
import Dispatch
import Foundation
import NIOCore
import NIOPosix

/// The process entry. Before any task exists, Swift concurrency's global executor becomes NIO's event
/// loops (the same threads that serve the sockets): a task resumed by an event loop then runs on it
/// instead of waking a thread of a second pool, which saves a thread hand-off at every `await` on I/O.
/// In the chat benchmark (alternating runs on the 2-core box) that was ~10 % less server CPU at 1,000–
/// 1,500 msg/s and a lower tail at 1,500 msg/s. Work that holds a thread for long must therefore not
/// run in a task (see `BlockingWork`). `SWITCHBOARD_EXECUTOR=swift` keeps Swift's own pool (to
/// compare, or should a dependency ever block a thread for long).
@main
enum Entry {
    static func main() {
        if ProcessInfo.processInfo.environment["SWITCHBOARD_EXECUTOR"] != "swift" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        Task {
            await Switchboard.main()
            exit(0)
        }
        dispatchMain()
    }
}
