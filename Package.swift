// swift-tools-version:6.0
// The turns package: a terminal chat client for Claude's Text Completions API.
// See ARCHITECTURE.md for the map of targets and how data flows between them.
import PackageDescription

let package = Package(
    name: "turns",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "turns", targets: ["turns"]),
        .executable(name: "turns-bench", targets: ["turns-bench"]),
        // The Text Completions and Messages client as a library for other Swift programs (no ncurses).
        .library(name: "TurnsAPI", targets: ["TurnsAPI", "TurnsCore", "TurnsHTTP"]),
        // The pure UI layer (no ncurses), exported for the fuzz package's theme target.
        .library(name: "TurnsUI", targets: ["TurnsUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: - C edges
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),

        // MARK: - Pure Swift libraries (no terminal, no network)
        .target(name: "TurnsCore"),
        .target(name: "TurnsLocal", dependencies: ["TurnsCore"], resources: [.embedInCode("Corpus/default-corpus.txt")]),
        .target(name: "TurnsUI", dependencies: ["TurnsCore", "TurnsAPI"], resources: [.embedInCode("Themes")]),

        // MARK: - The wire
        .target(name: "TurnsHTTP", dependencies: ["CCurl"]),
        .target(name: "TurnsAPI", dependencies: [
            "TurnsCore", "TurnsHTTP", "CDeflate",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "TurnsServe", dependencies: [
            "TurnsCore", "TurnsAPI", "TurnsLocal",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // MARK: - Terminal edge
        .target(name: "TurnsTerminal", dependencies: ["TurnsUI", "CNcurses"]),

        // MARK: - The executable
        .executableTarget(name: "turns", dependencies: [
            "TurnsCore", "TurnsAPI", "TurnsLocal", "TurnsServe", "TurnsUI", "TurnsTerminal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - The in-process half of `make bench` (not the product)
        .executableTarget(name: "turns-bench", dependencies: ["TurnsCore", "TurnsUI"], path: "Benchmarks/turns-bench"),

        // MARK: - Examples: programs that use only the TurnsAPI library product (`scripts/examples` runs them)
        .executableTarget(name: "OneShotCompletion", dependencies: ["TurnsAPI"], path: "Examples/OneShotCompletion"),
        .executableTarget(name: "StreamedCompletion", dependencies: ["TurnsAPI"], path: "Examples/StreamedCompletion"),
        .executableTarget(name: "ErrorHandling", dependencies: ["TurnsAPI"], path: "Examples/ErrorHandling"),
        .executableTarget(name: "MessagesConversation", dependencies: ["TurnsAPI"], path: "Examples/MessagesConversation"),

        // MARK: - Tests
        .target(name: "TurnsTestSupport", dependencies: ["TurnsCore", "TurnsHTTP"], path: "Tests/TurnsTestSupport"),
        .testTarget(name: "TurnsCoreTests", dependencies: ["TurnsCore", "TurnsTestSupport"]),
        // The client's tests build event-stream input with the server's encoder and check signatures with its verifier.
        .testTarget(name: "TurnsAPITests", dependencies: ["TurnsAPI", "TurnsServe", "TurnsTestSupport"]),
        .testTarget(name: "TurnsHTTPTests", dependencies: ["TurnsHTTP", "TurnsTestSupport"]),
        .testTarget(name: "TurnsLocalTests", dependencies: ["TurnsLocal", "TurnsTestSupport"]),
        .testTarget(name: "TurnsServeTests", dependencies: [
            "TurnsServe", "TurnsAPI", "TurnsLocal", "TurnsTestSupport", "FaultInjection",
        ]),
        .testTarget(name: "TurnsUITests", dependencies: ["TurnsUI", "TurnsTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TurnsTestSupport", "TurnsCore", "TurnsHTTP", "TurnsAPI", "TurnsServe"]),

        // MARK: - Fault injection for `scripts/soak`: a proxy that spoils a plain `turns serve`'s answers
        .target(name: "FaultInjection", dependencies: [
            "TurnsAPI", "TurnsServe", "TurnsLocal",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], path: "Tests/FaultInjection"),
        .executableTarget(name: "turns-fault-proxy", dependencies: ["FaultInjection"], path: "Tests/FaultProxy"),
    ]
)
