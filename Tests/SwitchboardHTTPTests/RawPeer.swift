import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A client on a plain socket that asks for a WebSocket upgrade and then never answers anything,
/// like a phone that went into a tunnel, or only answers pings; reads with blocking calls on a thread
/// of its own, so a test process busy with other tests cannot make its answers late.
final class RawPeer: @unchecked Sendable {
    private let fd: Int32

    init(port: Int, path: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        // NIO builds the address: `sockaddr_in`'s fields are declared twice (Glibc and NIO's C shim), and
        // which declaration a file sees depends on what else its compiler batch imported.
        let connected = try SocketAddress(ipAddress: "127.0.0.1", port: port).withSockAddr { address, size in
            connect(fd, address, socklen_t(size))
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
    }

    deinit { close(fd) }

    /// What the server sends up to and including `marker` (or until it closes, or 10 s pass).
    func readUntil(_ marker: String) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                var bytes: [UInt8] = []
                var byte: UInt8 = 0
                while recv(fd, &byte, 1, 0) == 1 {
                    bytes.append(byte)
                    if bytes.count >= marker.utf8.count, bytes.suffix(marker.utf8.count).elementsEqual(marker.utf8) { break }
                }
                continuation.resume(returning: bytes)
            }
        }
    }

    /// Everything the server sends until it closes the connection (or 10 s pass).
    func readUntilClosed() async -> (bytes: [UInt8], closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = recv(fd, &buffer, buffer.count, 0)
                    if count == 0 { return continuation.resume(returning: (bytes, true)) }
                    if count < 0 { return continuation.resume(returning: (bytes, false)) }
                    bytes += buffer[0..<count]
                }
            }
        }
    }
    /// Answers every ping with a pong, as a browser does, for `duration`: how many pings came, and
    /// whether the connection is still open at the end. Starts right after the upgrade request (it
    /// skips the HTTP response) and reads only whole frames, so `readUntil` can follow it.
    func answerPings(for duration: Duration) async -> (pings: Int, open: Bool) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                let deadline = ContinuousClock.now + duration
                var pending: [UInt8] = []
                var pastResponse = false
                var pings = 0
                var chunk = [UInt8](repeating: 0, count: 4096)
                while ContinuousClock.now < deadline {
                    var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&descriptor, 1, 20) >= 0 else { return continuation.resume(returning: (pings, false)) }
                    guard descriptor.revents != 0 else { continue }
                    let count = recv(fd, &chunk, chunk.count, 0)
                    if count <= 0 { return continuation.resume(returning: (pings, false)) }
                    pending += chunk[0..<count]
                    if !pastResponse {
                        guard let end = Self.endOfHeaders(pending) else { continue }
                        pending.removeFirst(end)
                        pastResponse = true
                    }
                    while let (opcode, length) = Self.wholeFrame(pending) {
                        pending.removeFirst(length)
                        if opcode == 0x8 { return continuation.resume(returning: (pings, false)) }
                        if opcode == 0x9 {
                            pings += 1
                            sendFrame(opcode: 0xA, payload: [])
                        }
                    }
                }
                continuation.resume(returning: (pings, true))
            }
        }
    }

    /// Sends a text frame, masked as every client frame must be.
    func sendText(_ text: String) {
        sendFrame(opcode: 0x1, payload: Array(text.utf8))
    }

    private func sendFrame(opcode: UInt8, payload: [UInt8]) {
        precondition(payload.count < 126, "short frames only")
        let mask: [UInt8] = [0x1F, 0x2E, 0x3D, 0x4C]
        var frame: [UInt8] = [0x80 | opcode, 0x80 | UInt8(payload.count)] + mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        _ = send(fd, frame, frame.count, 0)
    }

    /// Where the HTTP response's body starts, once its blank line has arrived.
    private static func endOfHeaders(_ bytes: [UInt8]) -> Int? {
        let blankLine: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == blankLine }.map { $0 + 4 }
    }

    /// The opcode and whole length of the server frame at the front of `bytes`, once all of it arrived.
    private static func wholeFrame(_ bytes: [UInt8]) -> (opcode: UInt8, length: Int)? {
        guard bytes.count >= 2 else { return nil }
        var header = 2
        var payload = Int(bytes[1] & 0x7F)
        if payload == 126 {
            guard bytes.count >= 4 else { return nil }
            payload = Int(bytes[2]) << 8 | Int(bytes[3])
            header = 4
        } else if payload == 127 {
            guard bytes.count >= 10 else { return nil }
            payload = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
            header = 10
        }
        guard bytes.count >= header + payload else { return nil }
        return (bytes[0] & 0x0F, header + payload)
    }
}
