import ArgumentParser
import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardStore

/// `switchboard bench store`: the storage layer alone, with no sockets, HTTP or load generator in the
/// way. Every chat message a visitor sends is one `appendIncoming`; this drives that call from many
/// concurrent tasks and reports how many the store commits per second and the process's CPU per
/// message. On SQLite all writes go through one writer, so that rate is the ceiling of the whole chat
/// server on this machine, whatever the network side does.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure parts of the product on this machine.", subcommands: [BenchStore.self])
}

struct BenchStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Store incoming chat messages as fast as the storage takes them and report the rate.")

    @Option(help: "Open conversations the messages are spread over.") var chats = 10_000
    @Option(help: "Messages stored in each measured round, after one warm-up message per chat.") var messages = 50_000
    @Option(help: "Measured rounds (their rates are reported one by one).") var rounds = 3
    @Option(help: "Writes in flight at once (the chat server has one per busy visitor socket).") var concurrency = 256
    @Option(help: "Characters per message.") var length = 60
    @Option(help: "Database URL (sqlite:PATH or postgres://…); default: a fresh SQLite file in a temporary directory, deleted afterwards.")
    var databaseURL: String?

    func validate() throws {
        guard chats > 0, messages > 0, rounds > 0, (1...10_000).contains(concurrency), (1...10_000).contains(length) else {
            throw ValidationError("--chats, --messages and --rounds must be positive; --concurrency and --length 1 to 10000.")
        }
    }

    func run() async throws {
        var config = AppConfig()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-bench-\(UUID().uuidString)")
        if let databaseURL {
            config.databaseURL = databaseURL
        } else {
            config.dataDirectory = scratch.path
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let storage = try await withConfigurationErrors { try await StorageFactory.open(config) }
        let workspace = storage.workspace(Workspace.defaultID)
        let inbox = try await workspace.createInbox(NewInbox(
            name: "Bench \(UUID().uuidString.prefix(8))", channel: .webChat, settings: [:], inboundTokenDigest: nil))
        let run = UUID().uuidString.prefix(8)
        let content = String(repeating: "hello world, where is my order? ", count: length / 32 + 1).prefix(length)
        let message = { @Sendable (chat: Int, number: Int) in
            IncomingMessage(inboxID: inbox.id, externalID: "bench-\(run)-\(chat)-\(number)",
                            contact: ContactDraft(externalID: "bench-\(run)-visitor-\(chat)", name: nil, email: nil, phone: nil),
                            content: String(content), sentAt: nil)
        }
        print("switchboard bench store: \(chats) chats, \(rounds) × \(messages) messages, \(concurrency) in flight, \(length) characters each")
        print("storage: \(databaseURL.map { URLRedaction.hidingPassword($0) ?? "<unparseable>" } ?? "SQLite in \(scratch.path)")")
        let warm = try await Self.measure(count: chats, concurrency: concurrency) { i in
            _ = try await workspace.appendIncoming(message(i, 0))
        }
        print("warm-up (first message of each chat: new contact and conversation): \(warm)")
        for round in 1...rounds {
            let result = try await Self.measure(count: messages, concurrency: concurrency) { i in
                _ = try await workspace.appendIncoming(message(i % chats, round * messages + i))
            }
            print("round \(round) (messages to open conversations): \(result)")
        }
    }

    struct Measurement: CustomStringConvertible {
        let count: Int
        let seconds: Double
        let cpuSeconds: Double
        let latencies: [Double]

        var description: String {
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> String {
                String(format: "%.2f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000)
            }
            return String(format: "%.0f msg/s, process CPU %.1f µs/msg (%.0f %% of a core), ", Double(count) / seconds,
                          cpuSeconds / Double(count) * 1e6, cpuSeconds / seconds * 100)
                + "latency p50 \(percentile(0.5)) ms, p99 \(percentile(0.99)) ms"
        }
    }

    /// Runs `work(0..<count)` with `concurrency` calls in flight and times each call.
    static func measure(count: Int, concurrency: Int, _ work: @escaping @Sendable (Int) async throws -> Void) async throws -> Measurement {
        let cpuBefore = processCPUSeconds()
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for lane in 0..<min(concurrency, count) {
                group.addTask {
                    var times: [Double] = []
                    for i in stride(from: lane, to: count, by: concurrency) {
                        let begun = ContinuousClock.now
                        try await work(i)
                        times.append((ContinuousClock.now - begun).inSeconds)
                    }
                    return times
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let seconds = (ContinuousClock.now - start).inSeconds
        return Measurement(count: count, seconds: seconds, cpuSeconds: processCPUSeconds() - cpuBefore, latencies: latencies)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
