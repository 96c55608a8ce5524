import Foundation

extension LocalModel {
    /// Trains a model on the UTF-8 text of the file at `path` (the CLI's `--corpus FILE`).
    public convenience init(corpusFile path: String) throws(CorpusFileError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CorpusFileError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard text.contains(where: { !$0.isWhitespace }) else { throw CorpusFileError.empty(path: path) }
        self.init(corpus: text)
    }
}

/// Why a corpus file could not be learned.
public enum CorpusFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read as UTF-8 text.
    case unreadable(path: String, reason: String)
    /// The file holds no text.
    case empty(path: String)

    /// A message naming the file and what to do.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read corpus file \(path): \(reason). Pass a readable UTF-8 text file to --corpus"
        case .empty(let path):
            return "corpus file \(path) is empty. Pass a text file with some words in it to --corpus"
        }
    }
}
