import Foundation

/// The file-system calls a safe save makes, behind a protocol so tests can make each one fail.
public protocol SaveFileSystem: Sendable {
    /// Opens (creating, mode 0600) a new file for writing; returns a descriptor.
    func create(_ path: String) throws(SaveStepError) -> Int32
    /// Writes all of `bytes` to the descriptor.
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SaveStepError)
    /// Flushes the descriptor's data to the disk.
    func fsync(_ fd: Int32) throws(SaveStepError)
    /// Closes the descriptor.
    func close(_ fd: Int32) throws(SaveStepError)
    /// Atomically renames `from` over `to`.
    func rename(_ from: String, _ to: String) throws(SaveStepError)
    /// Flushes the folder entry so the rename survives a crash.
    func syncDirectory(_ path: String) throws(SaveStepError)
    /// Removes a file (used to clean up the temporary file after a failure).
    func remove(_ path: String)
}

/// A failed step of a save, with the system's reason.
public struct SaveStepError: Error, Sendable, Equatable {
    /// The step ("write", "fsync", "rename", …).
    public var step: String
    /// The system's reason.
    public var reason: String
}

/// The real file system, through POSIX calls.
public struct POSIXSaveFileSystem: SaveFileSystem {
    /// Creates the file system.
    public init() {}

    private func failure(_ step: String) -> SaveStepError {
        SaveStepError(step: step, reason: String(cString: strerror(errno)))
    }

    /// See `SaveFileSystem`.
    public func create(_ path: String) throws(SaveStepError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { throw failure("create") }
        return fd
    }

    /// See `SaveFileSystem`.
    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SaveStepError) {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write")
            }
            offset += n
        }
    }

    /// See `SaveFileSystem`.
    public func fsync(_ fd: Int32) throws(SaveStepError) {
        if Foundation.fsync(fd) != 0 { throw failure("fsync") }
    }

    /// See `SaveFileSystem`.
    public func close(_ fd: Int32) throws(SaveStepError) {
        if Foundation.close(fd) != 0 { throw failure("close") }
    }

    /// See `SaveFileSystem`.
    public func rename(_ from: String, _ to: String) throws(SaveStepError) {
        if Foundation.rename(from, to) != 0 { throw failure("rename") }
    }

    /// See `SaveFileSystem`.
    public func syncDirectory(_ path: String) throws(SaveStepError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw failure("open folder") }
        defer { _ = Foundation.close(fd) }
        if Foundation.fsync(fd) != 0 { throw failure("fsync folder") }
    }

    /// See `SaveFileSystem`.
    public func remove(_ path: String) {
        unlink(path)
    }
}

/// Saves files so that an existing file is never truncated or half-written: the bytes go to a temporary
/// file in the same folder, which is fsynced and then renamed over the target.
public struct AtomicFileWriter: Sendable {
    /// The file system used (the real one unless a test injects failures).
    public var fileSystem: any SaveFileSystem

    /// Creates a writer.
    public init(fileSystem: any SaveFileSystem = POSIXSaveFileSystem()) {
        self.fileSystem = fileSystem
    }

    /// Writes `bytes` to `path` atomically, creating missing folders with mode 0700 and the file with 0600.
    public func write(_ bytes: [UInt8], to path: String) throws(TranscriptFileError) {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw TranscriptFileError(path: path, problem: "cannot create the folder \(directory)")
        }
        let name = (path as NSString).lastPathComponent
        let temporary = directory + "/." + name + ".tmp-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        var fd: Int32 = -1
        do throws(SaveStepError) {
            fd = try fileSystem.create(temporary)
            let descriptor = fd
            try bytes.withUnsafeBytes { buffer in
                Result { () throws(SaveStepError) in try fileSystem.write(descriptor, buffer) }
            }.get()
            try fileSystem.fsync(fd)
            let closing = fd
            fd = -1
            try fileSystem.close(closing)
            try fileSystem.rename(temporary, path)
        } catch {
            if fd >= 0 { try? fileSystem.close(fd) }
            fileSystem.remove(temporary)
            throw TranscriptFileError(path: path, problem: "not saved (\(error.step) failed: \(error.reason)); "
                + "any existing file is unchanged")
        }
        // The data is safe once renamed; syncing the folder only makes the rename itself durable.
        try? fileSystem.syncDirectory(directory)
    }
}
