// `import TurnsAPI` is all a program needs: the library product's other two modules come with it, since the
// client's API names their types (`PromptTurn`, `Transcript`, `SamplingSettings`; `HTTPHeader`,
// `HTTPTransport`, `CurlTransport`).
@_exported import TurnsCore
@_exported import TurnsHTTP
