// libFuzzer target: the configuration parser (Sources/TOML), which reads hark.toml and
// hark-sim scenarios. The input is the file's bytes, as the firmware reads them.
//
// Properties checked on every input (a violation is a crash that libFuzzer reports):
//   - no trap, overflow or memory error, and no hang (libFuzzer's -timeout): the parser is
//     meant to be linear and to bound nesting, so a hostile file cannot exhaust the stack;
//   - an error names a position inside the input (line >= 1, column >= 1);
//   - parsing is deterministic: the same bytes give the same table or the same error.

@_cdecl("LLVMFuzzerTestOneInput")
public func tomlParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let first: Result<TOMLTable, TOMLError>
    do throws(TOMLError) {
        first = .success(try TOMLTable(parsing: bytes))
    } catch {
        precondition(error.position.line >= 1 && error.position.column >= 1, "error outside the input: \(error)")
        first = .failure(error)
    }
    let second: Result<TOMLTable, TOMLError>
    do throws(TOMLError) {
        second = .success(try TOMLTable(parsing: bytes))
    } catch {
        second = .failure(error)
    }
    // Keys and errors are compared (values may hold `nan`, which never equals itself).
    switch (first, second) {
    case (.success(let one), .success(let two)):
        precondition(one.keys == two.keys, "parsing the same bytes twice gave different keys")
    case (.failure(let one), .failure(let two)):
        precondition(one == two, "parsing the same bytes twice gave different errors")
    default:
        preconditionFailure("parsing the same bytes twice succeeded once and failed once")
    }
    return 0
}
