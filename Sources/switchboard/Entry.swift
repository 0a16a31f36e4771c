import ArgumentParser
import Dispatch
import Foundation
import NIOCore
import NIOPosix

/// The process entry. Before any task exists, Swift concurrency's global executor becomes NIO's event
/// loops (the same threads that serve the sockets): a task resumed by an event loop then runs on it
/// instead of waking a thread of a second pool, which saves a thread hand-off at every `await` on I/O.
/// With both pools on 2 cores, those hand-offs were about a sixth of the server's CPU in the chat
/// benchmark. `SWITCHBOARD_EXECUTOR=swift` keeps Swift's own pool (to compare, or should a
/// dependency ever block a thread for long).
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
