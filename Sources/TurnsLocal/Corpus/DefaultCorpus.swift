/// The text the offline model learns from when no `--corpus` is given: questions and answers about `turns`
/// itself (`default-corpus.txt`, embedded in the binary by SwiftPM), written as a Text Completions transcript so the
/// model learns which answers follow which questions. Written by the project (no outside data); `\n` in it is a
/// backslash and an `n`, as a user would type it, and real turn markers come from the blank line before each
/// `Human:` / `Assistant:` line.
public enum DefaultCorpus {
    /// The whole corpus as prompt text (it starts with a `"\n\nHuman:"` turn).
    public static let text: String = "\n\n" + String(decoding: PackageResources.default_corpus_txt, as: UTF8.self)
}
