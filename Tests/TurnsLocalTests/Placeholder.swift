import XCTest
final class TurnsLocalTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
