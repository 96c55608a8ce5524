import XCTest
final class TurnsHTTPTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
