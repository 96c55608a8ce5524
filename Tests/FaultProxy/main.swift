// turns-fault-proxy: the fault-injecting proxy `scripts/soak` puts between `turns --print` and `turns serve`.
//
//   turns-fault-proxy --upstream http://127.0.0.1:PORT --seed N [--rate 0.5] [--stall 3] [--port 0] [--force KIND]
//                     [--status N]
//
// `--force KIND` (a `FaultKind` name, e.g. `overloaded`) gives every request that fault where it applies; `--status N`
// refuses every completion request with status N and no error code (see `FaultRefusal.init(status:api:requestID:)`).
// Prints `listening on http://127.0.0.1:PORT`, then one `fault seq=… kind=…` line per request on stderr; runs until
// killed.
import FaultInjection
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("turns-fault-proxy: \(message)\n".utf8))
    exit(2)
}

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard ["--upstream", "--seed", "--rate", "--stall", "--port", "--force", "--status"].contains(name),
          let value = arguments.popFirst() else {
        fail("usage: turns-fault-proxy --upstream http://HOST:PORT --seed N [--rate 0.5] [--stall 3] [--port 0] [--force KIND] "
             + "[--status N]")
    }
    options[name] = value
}
guard let upstream = options["--upstream"].flatMap(URL.init(string:)), let host = upstream.host,
      let upstreamPort = upstream.port else { fail("--upstream must be http://HOST:PORT") }
guard let seed = options["--seed"].flatMap(UInt64.init) else { fail("--seed must be a whole number") }
guard let rate = Double(options["--rate"] ?? "0.5"), (0...1).contains(rate) else { fail("--rate must be from 0 to 1") }
guard let stall = Double(options["--stall"] ?? "3"), (0...3600).contains(stall) else {
    fail("--stall must be from 0 to 3600 seconds")
}
guard let port = Int(options["--port"] ?? "0"), (0...65535).contains(port) else { fail("--port must be from 0 to 65535") }

let forced = options["--force"].map { name -> FaultKind in
    guard let kind = FaultKind(rawValue: name) else {
        fail("--force must be one of " + FaultKind.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return kind
}
let forcedStatus = options["--status"].map { text -> Int in
    guard let status = Int(text), (400...599).contains(status) else { fail("--status must be from 400 to 599") }
    return status
}
let settings = FaultSettings(seed: seed, rate: rate, stallSeconds: stall, forced: forced, forcedStatus: forcedStatus) { line in
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
let proxy = FaultProxy(upstreamHost: host, upstreamPort: upstreamPort, settings: settings)
do {
    let bound = try proxy.start(port: port)
    FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(bound)\n".utf8))
} catch {
    fail("cannot listen on 127.0.0.1:\(port): \(error)")
}
while true { sleep(3600) }
