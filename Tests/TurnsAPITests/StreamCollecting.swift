import XCTest
import TurnsAPI

/// Everything a stream yields, and the `APIError` it ended with (nil when it finished cleanly); any other error
/// fails the test.
func collect<Element>(_ stream: AsyncThrowingStream<Element, Error>) async -> (elements: [Element], error: APIError?) {
    var elements: [Element] = []
    do {
        for try await element in stream { elements.append(element) }
        return (elements, nil)
    } catch {
        guard let apiError = error as? APIError else {
            XCTFail("not an APIError: \(error)")
            return (elements, nil)
        }
        return (elements, apiError)
    }
}
