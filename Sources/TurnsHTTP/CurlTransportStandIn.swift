/// Stand-in until the libcurl transport lands.
public final class CurlTransport: HTTPTransport {
    /// Creates a transport.
    public init() {}
    /// Not yet written.
    public func execute(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPResponsePart, Error> {
        AsyncThrowingStream { $0.finish(throwing: TransportError.other("not written yet")) }
    }
}
