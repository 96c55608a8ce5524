import XCTest
final class TurnsUITestsPlaceholder: XCTestCase { func testPlaceholder() {} }
