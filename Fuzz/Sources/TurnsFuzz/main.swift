import Foundation
// The fuzzer's driver: libFuzzer runs `fuzz` on every input (SwiftPM names this file's code the entry point, so
// libFuzzer is started through LLVMFuzzerRunDriver rather than its own main).

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
let status = runFuzzerDriver(&argc, &argv) { data, size in fuzz(data, size) }
exit(status)
