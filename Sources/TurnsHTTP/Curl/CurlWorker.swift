import CCurl
import Foundation

/// The one thread that drives every libcurl transfer of the process through a single multi handle.
///
/// Why one shared thread: the multi handle keeps a connection cache, so the next request to the same host reuses
/// the open TLS connection instead of paying for a new handshake each turn; and one thread is cheaper than one per
/// request. The thread lives as long as the process and sleeps in `curl_multi_poll` when there is nothing to do.
///
/// Other threads only touch the `inbox` (under `lock`) and call `curl_multi_wakeup`, which libcurl documents as
/// callable from any thread; everything else, including every libcurl callback, runs on the worker thread.
/// That confinement is why the class is `@unchecked Sendable`.
final class CurlWorker: @unchecked Sendable {
    /// The process-wide worker; creating it initializes libcurl once (Swift runs `static let` set-up exactly once).
    static let shared = CurlWorker()

    private struct Inbox {
        var nextID = 0
        var starts: [CurlTransfer] = []
        var cancels: [Int] = []
        var resumes: [Int] = []
    }

    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var inbox = Inbox()
    /// Transfers added to the multi handle, by id. Worker thread only.
    private var active: [Int: CurlTransfer] = [:]

    private init() {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        guard let multi = curl_multi_init() else { fatalError("libcurl could not create a multi handle") }
        self.multi = multi
        let thread = Thread { [self] in run() }
        thread.name = "turns-curl"
        thread.start()
    }

    /// A fresh transfer id.
    func makeID() -> Int {
        lock.withLock {
            inbox.nextID += 1
            return inbox.nextID
        }
    }

    /// Queues `transfer` to start on the worker thread.
    func start(_ transfer: CurlTransfer) { post { $0.starts.append(transfer) } }

    /// Goes on receiving for the paused transfer with `id` (its consumer has caught up).
    func resume(id: Int) { post { $0.resumes.append(id) } }

    /// Cancels the transfer with `id` if it is still running; ends its stream with `TransportError.cancelled`.
    func cancel(id: Int) { post { $0.cancels.append(id) } }

    /// Changes the inbox under the lock, then wakes the worker.
    private func post(_ change: (inout Inbox) -> Void) {
        lock.withLock { change(&inbox) }
        curl_multi_wakeup(multi)
    }

    // MARK: - The worker thread

    private func run() {
        while true {
            let (starts, cancels, resumes) = lock.withLock {
                defer { inbox.starts = []; inbox.cancels = []; inbox.resumes = [] }
                return (inbox.starts, inbox.cancels, inbox.resumes)
            }
            // Starts first: a cancel taken in the same batch may be for a transfer queued in it.
            for transfer in starts { begin(transfer) }
            for id in cancels {
                guard let transfer = active[id] else { continue }
                transfer.log?("cancelled after \(transfer.elapsedMilliseconds) ms")
                end(transfer, error: .cancelled)
            }
            for id in resumes { active[id]?.resume() }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            for transfer in active.values {
                if transfer.flushBody() {
                    transfer.pauseIfConsumerIsBehind()
                } else {
                    // The consumer has gone; libcurl would learn it only from the next callback.
                    end(transfer, error: .cancelled)
                }
            }
            collectFinished()
            let timeout = enforceIdleLimits()
            curl_multi_poll(multi, nil, 0, timeout, nil)
        }
    }

    private func begin(_ transfer: CurlTransfer) {
        let request = transfer.request
        transfer.log?("→ \(request.method) \(LogRedaction.url(request.url)) (\(request.body.count) body bytes; "
            + "headers: \(request.headers.map(\.name).joined(separator: ", ")))")
        do throws(TransportError) {
            try transfer.prepare()
            let code = curl_multi_add_handle(multi, transfer.easy)
            guard code == CURLM_OK else {
                throw .other("libcurl could not start the transfer: \(String(cString: curl_multi_strerror(code)))")
            }
        } catch {
            transfer.release()
            transfer.finish(throwing: error)
            return
        }
        active[transfer.id] = transfer
    }

    /// Removes `transfer` from libcurl, frees its handles, and only then ends its stream.
    private func end(_ transfer: CurlTransfer, error: TransportError?) {
        curl_multi_remove_handle(multi, transfer.easy)
        transfer.release()
        active[transfer.id] = nil
        transfer.finish(throwing: error)
    }

    private func collectFinished() {
        // Read every message before removing anything: removal invalidates libcurl's message memory.
        var done: [(UnsafeMutableRawPointer?, CURLcode)] = []
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            if message.pointee.msg == CURLMSG_DONE {
                done.append((message.pointee.easy_handle, message.pointee.data.result))
            }
        }
        for (easy, code) in done {
            guard let transfer = active.values.first(where: { $0.easy == easy }) else { continue }
            end(transfer, error: transfer.outcome(of: code))
        }
    }

    /// Ends transfers that were silent too long; returns how long `curl_multi_poll` may sleep, in milliseconds.
    private func enforceIdleLimits() -> Int32 {
        if active.isEmpty { return 60_000 }
        let now = ContinuousClock.now
        var nextDeadline = now + .seconds(1)
        for transfer in active.values {
            guard let deadline = transfer.idleDeadline() else { continue }
            if deadline <= now {
                end(transfer, error: .idleTimedOut(seconds: transfer.request.timeouts.idle))
            } else {
                nextDeadline = min(nextDeadline, deadline)
            }
        }
        // Round up so the poll does not wake a hair before the deadline and spin.
        return Int32(((nextDeadline - now) / .milliseconds(1)).rounded(.up))
    }
}
