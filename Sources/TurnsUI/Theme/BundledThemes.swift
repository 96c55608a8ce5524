/// The text of every theme file in `Sources/TurnsUI/Themes`, by name: SwiftPM embeds the files in the binary
/// (`PackageResources`), so a self-contained release binary carries them.
enum BundledThemes {
    /// Theme name to file text.
    static let files: [String: String] = [
        "dark": PackageResources.dark_toml,
        "light": PackageResources.light_toml,
        "high-contrast": PackageResources.high_contrast_toml,
        "monochrome": PackageResources.monochrome_toml,
    ].mapValues { String(decoding: $0, as: UTF8.self) }
}
