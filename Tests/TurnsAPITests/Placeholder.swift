import XCTest
final class TurnsAPITestsPlaceholder: XCTestCase { func testPlaceholder() {} }
