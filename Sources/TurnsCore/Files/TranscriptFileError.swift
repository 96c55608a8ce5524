/// A transcript file that could not be read or written: which file, and what is wrong, in one line.
public struct TranscriptFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong.
    public var problem: String

    /// "notes.json: not a turns transcript (unknown version 7)"
    public var description: String { "\(path): \(problem)" }
}
