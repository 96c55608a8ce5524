import Foundation

/// Journals a conversation as it happens to an append-only file, one JSON record per line, so that a crash
/// (even `kill -9`) loses at most the text of the last second.
///
/// Durability: records are written to the file as they come, except streamed text, which is gathered and written
/// by `flush()` (the chat calls it once per frame). `fsync` runs when a turn completes and, while an answer
/// streams, at most once per `syncInterval`. Text written to the kernel survives the process being killed;
/// fsync additionally guards against the machine losing power.
public final class SessionJournal {
    /// The session's id (the file name without `.jsonl`).
    public let id: String
    /// The journal file.
    public let path: String
    /// The longest time streamed text may wait before it is fsynced.
    public var syncInterval: Double = 1.0

    private let fd: Int32
    private var pendingText = ""
    /// fsync runs here, off the caller's thread: it can take tens of milliseconds, and the caller is the UI thread.
    /// The data is already written (in the kernel) when fsync is queued, so a killed process loses nothing by it.
    private let syncQueue = DispatchQueue(label: "turns.journal.fsync")
    private var lastSync = Date.distantPast
    private var dirty = false

    /// Creates a new journal in `folder` (created with mode 0700; the file is 0600).
    public init(folder: String, system: String?, now: Date = Date()) throws(TranscriptFileError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw TranscriptFileError(path: folder, problem: "cannot create the sessions folder")
        }
        let stamp = TimestampFormat.string(from: now)
        let digits = stamp.filter(\.isNumber)
        let compact = String(digits.prefix(8)) + "-" + String(digits.dropFirst(8).prefix(6))
        id = compact + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
        path = folder + "/" + id + ".jsonl"
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw TranscriptFileError(path: path, problem: String(cString: strerror(errno)).lowercased())
        }
        append(.session(id: id, createdAt: now, system: system))
        sync()
    }

    deinit {
        flush(forceSync: true)
        let descriptor = fd
        syncQueue.sync { _ = close(descriptor) }
    }

    /// Appends a record. Streamed text (`.text`) is gathered until the next `flush`; every other record
    /// is written at once, after any gathered text.
    public func append(_ record: JournalRecord) {
        if case .text(let text) = record {
            pendingText += text
            return
        }
        writePendingText()
        writeLine(record)
        switch record {
        case .turn, .answerEnd, .truncate, .replace, .system: sync()
        default: break
        }
    }

    /// Writes gathered text, and fsyncs when `syncInterval` has passed since the last sync (or when forced).
    public func flush(now: Date = Date(), forceSync: Bool = false) {
        writePendingText()
        if dirty && (forceSync || now.timeIntervalSince(lastSync) >= syncInterval) { sync(now: now) }
    }

    /// Whether text is gathered and not yet written.
    public var hasPendingText: Bool { !pendingText.isEmpty }

    private func writePendingText() {
        guard !pendingText.isEmpty else { return }
        let text = pendingText
        pendingText = ""
        writeLine(.text(text))
    }

    /// Writes a record as one line.
    private func writeLine(_ record: JournalRecord) {
        // Written in pieces: a loaded transcript's record is tens of MB and is never whole in memory.
        var writer = JSONWriter(indented: false) { [fd] piece in Self.writeAll(piece, to: fd) }
        record.write(to: &writer)
        Self.writeAll(writer.bytes + [0x0A], to: fd)
        dirty = true
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { try? POSIXSaveFileSystem().write(fd, $0) }
    }

    private func sync(now: Date = Date()) {
        let descriptor = fd
        syncQueue.async { _ = fsync(descriptor) }
        lastSync = now
        dirty = false
    }
}
