import CCurl

/// Turns a failed libcurl transfer into a `TransportError` whose message a user can act on.
///
/// `detail` is libcurl's error buffer (e.g. "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect
/// to server"). It names hosts and ports, never request headers, so it is safe to show.
enum CurlErrorMapping {
    /// Facts about the transfer that the bare curl code does not tell.
    struct Context {
        /// True once the request was sent (connection and TLS done), so a timeout is not a connect timeout.
        var connected: Bool
        /// True when the consumer stopped listening, so any failure is really a cancellation.
        var consumerGone: Bool
        /// The limits the request ran under.
        var timeouts: HTTPTimeouts
    }

    /// The transport error for `code`.
    static func error(for code: CURLcode, detail: String, context: Context) -> TransportError {
        if context.consumerGone { return .cancelled }
        let detail = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotConnect(detail)
        case CURLE_OPERATION_TIMEDOUT:
            // curl uses one code for both limits; which phase we were in tells them apart.
            if !context.connected, context.timeouts.total.map({ context.timeouts.connect <= $0 }) ?? true {
                return .connectTimedOut(seconds: context.timeouts.connect)
            }
            return .totalTimedOut(seconds: context.timeouts.total ?? 0)
        case CURLE_PARTIAL_FILE:
            return .connectionLost("the server closed the connection before the response was complete (\(detail))")
        case CURLE_GOT_NOTHING:
            return .connectionLost("the server closed the connection without sending a response")
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            return .connectionLost("the connection broke while talking to the server (\(detail))")
        case CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connectionLost("the HTTP/2 stream failed (\(detail))")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls(detail)
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .other("the URL cannot be used (\(detail)); use an http:// or https:// address")
        default:
            return .other("the HTTP transfer failed: \(detail)")
        }
    }
}
