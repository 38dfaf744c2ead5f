import Testing
import TOML

/// Every class of error: its kind, the line and column it points at, and a message that says
/// what is wrong in words a person editing the file understands.
@Suite struct ErrorTests {
    func error(_ text: String) -> TOMLError? {
        do {
            _ = try TOMLTable(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    func expectError(_ text: String, _ kind: TOMLError.Kind, line: Int, column: Int, _ message: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = error(text) else {
            Issue.record("accepted: \(text)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        #expect(error.position == TOMLPosition(line: line, column: column), "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
    }

    @Test func descriptionSaysLineAndColumn() throws {
        let text = "[avs]\n# the gateway\n\n\n\n\n  endpoint  \"https://example.com\"\n"
        let error = try #require(self.error(text))
        #expect(error.description == "line 7, column 13: expected '=' after the key 'endpoint', found '\"'")
    }

    @Test func syntax() {
        expectError("a = \n", .syntax, line: 1, column: 5, "expected a value")
        expectError("a = 1 b = 2\n", .syntax, line: 1, column: 7, "expected the end of the line after the value of 'a'")
        expectError("= 1\n", .syntax, line: 1, column: 1, "expected a key")
        expectError("a. = 1\n", .syntax, line: 1, column: 4, "expected a key after 'a.'")
        expectError("[a\nb = 1\n", .syntax, line: 1, column: 3, "expected ']' to close the table header [a]")
        expectError("[[a]\n", .syntax, line: 1, column: 4, "expected ']]'")
        expectError("[a] x = 1\n", .syntax, line: 1, column: 5, "after the header [a]")
        expectError("a = hello\n", .syntax, line: 1, column: 5, "a string needs quotes (\"hello\")")
        expectError("a = TRUE\n", .syntax, line: 1, column: 5, "expected a value")
        expectError("a = truely\n", .syntax, line: 1, column: 5, "booleans are true or false")
        expectError("a = [1 2]\n", .syntax, line: 1, column: 8, "expected ',' or ']'")
        expectError("a = [1,\n2\n", .syntax, line: 1, column: 5, "this array is not closed")
        expectError("a = { b = 1, }\n", .syntax, line: 1, column: 14, "comma after its last pair")
        expectError("a = { b = 1,\n c = 2 }\n", .syntax, line: 1, column: 13, "must be on one line")
        expectError("a = { b = 1\n", .syntax, line: 1, column: 12, "must be on one line")
        expectError("a = { b = 1", .syntax, line: 1, column: 5, "this inline table is not closed")
        expectError("\"\"\"k\"\"\" = 1\n", .syntax, line: 1, column: 1, "a key cannot be a multi-line string")
        expectError("a = 1\rb = 2\n", .syntax, line: 1, column: 6, "carriage return without a line feed")
        expectError("a = 1 # bell \u{7}\n", .syntax, line: 1, column: 14, "a comment may not contain control characters")
        expectError("a = .5\n", .syntax, line: 1, column: 5, "a float needs a digit before the point")
    }

    @Test func strings() {
        expectError("a = \"open\nb = 1\n", .string, line: 1, column: 5, "not closed on its line")
        expectError("a = 'open", .string, line: 1, column: 5, "not closed")
        expectError("x = 1\na = \"\"\"\nnever closed\n", .string, line: 2, column: 5, "add \"\"\" before the end of the file")
        expectError("a = '''never", .string, line: 1, column: 5, "add ''' before the end of the file")
        expectError("a = \"\\x41\"\n", .string, line: 1, column: 6, "'\\x' is not an escape")
        expectError("a = \"a\\ b\"\n", .string, line: 1, column: 7, "is not an escape")
        expectError("a = \"\"\"a\\  b\n\"\"\"\n", .string, line: 1, column: 9, "must end the line")
        expectError("a = \"\\uD800\"\n", .string, line: 1, column: 6, "U+D800 is not a Unicode scalar value")
        expectError("a = \"\\U00110000\"\n", .string, line: 1, column: 6, "not a Unicode scalar value")
        expectError("a = \"\\u12\"\n", .string, line: 1, column: 6, "needs exactly 4 hex digits")
        expectError("a = \"bell \u{7}\"\n", .string, line: 1, column: 11, "control character must be escaped")
        expectError("a = 'del \u{7F}'\n", .string, line: 1, column: 10, "may not contain control characters")
        expectError("a = \"\"\"x\"\"\"\"\"\"\n", .string, line: 1, column: 14, "too many quotes")
        expectError("a = \"\"\"a\rb\"\"\"\n", .string, line: 1, column: 9, "carriage return")
    }

    @Test func numbers() {
        expectError("a = 012\n", .number, line: 1, column: 5, "leading zeros are not allowed")
        expectError("a = 03.14\n", .number, line: 1, column: 5, "leading zeros")
        expectError("a = 1__000\n", .number, line: 1, column: 5, "'_' only between two digits")
        expectError("a = 1_\n", .number, line: 1, column: 5, "'_' only between two digits")
        expectError("a = +0xFF\n", .number, line: 1, column: 5, "cannot have a sign")
        expectError("a = 0o8\n", .number, line: 1, column: 5, "base-8 digits")
        expectError("a = 1.\n", .number, line: 1, column: 5, "digits on both sides")
        expectError("a = 1e\n", .number, line: 1, column: 5, "the exponent needs digits")
        expectError("a = 1e5.0\n", .number, line: 1, column: 5, "the exponent needs digits")
        expectError("a = 9223372036854775808\n", .number, line: 1, column: 5, "does not fit in a 64-bit integer")
        expectError("a = -9223372036854775809\n", .number, line: 1, column: 5, "does not fit in a 64-bit integer")
        expectError("a = 0x1_0000_0000_0000_0000\n", .number, line: 1, column: 5, "does not fit in a 64-bit integer")
    }

    @Test func dateTimes() {
        expectError("a = 2021-02-30\n", .dateTime, line: 1, column: 5, "day 30 does not exist")
        expectError("a = 2100-02-29\n", .dateTime, line: 1, column: 5, "day 29 does not exist")
        expectError("a = 2021-13-01\n", .dateTime, line: 1, column: 5, "the month must be 01 to 12")
        expectError("a = 24:00:00\n", .dateTime, line: 1, column: 5, "hours go to 23")
        expectError("a = 07:32\n", .dateTime, line: 1, column: 5, "expected HH:MM:SS")
        expectError("a = 1979-05-27T07:32Z\n", .dateTime, line: 1, column: 5, "'1979-05-27T07:32Z' is not a valid date or time")
        expectError("a = 1979-05-27T07:32:00+24:00\n", .dateTime, line: 1, column: 5, "an offset's hours go to 23")
        expectError("a = 1979-05-7\n", .dateTime, line: 1, column: 5, "expected YYYY-MM-DD")
        expectError("a = 07:32:00.\n", .dateTime, line: 1, column: 5, "digits after the decimal point")
        expectError("a = 07:32:00Z\n", .syntax, line: 1, column: 13, "expected the end of the line")
    }

    @Test func duplicateKeys() {
        expectError("name = \"Tom\"\nname = \"Pradyun\"\n", .duplicateKey, line: 2, column: 1, "the key 'name' is already defined at line 1")
        expectError("spelling = 1\n\"spelling\" = 2\n", .duplicateKey, line: 2, column: 1, "already defined at line 1")
        expectError("a.b = 1\na.b = 2\n", .duplicateKey, line: 2, column: 3, "the key 'a.b' is already defined at line 1")
        expectError("a.b = 1\na.b.c = 2\n", .duplicateKey, line: 2, column: 3, "'a.b' is already an integer (line 1) and cannot also be a table")
        expectError("a = 1\n[a.b]\n", .duplicateKey, line: 2, column: 2, "'a' is already an integer")
        expectError("a = { b = 1, b = 2 }\n", .duplicateKey, line: 1, column: 14, "the key 'b' is already defined")
        expectError("[a.b]\n[a]\nb = 1\n", .duplicateKey, line: 3, column: 1, "the key 'b' is already defined at line 1")
    }

    @Test func duplicateTables() {
        expectError("[fruit]\napple = 1\n\n[fruit]\n", .duplicateTable, line: 4, column: 1, "the table [fruit] is already defined at line 1")
        expectError("[a]\n[a.b]\n[a]\n", .duplicateTable, line: 3, column: 1, "already defined at line 1")
        expectError("[fruit]\napple.color = 1\n[fruit.apple]\n", .duplicateTable, line: 3, column: 1, "already defined by dotted keys at line 2")
        expectError("[a.b]\nx = 1\n[a]\nb.y = 2\n", .duplicateTable, line: 4, column: 1, "which has its own header at line 1")
        expectError("[[t.arr]]\n[t]\narr.b = 1\n", .duplicateTable, line: 3, column: 1, "is an array of tables")
        expectError("[a]\n[[a]]\n", .duplicateTable, line: 2, column: 1, "'a' is already a table (line 1)")
        expectError("[[a]]\n[a]\n", .duplicateTable, line: 2, column: 1, "'a' is an array of tables ([[...]] at line 1)")
    }

    @Test func immutableInlineTablesAndArrays() {
        expectError("type = { name = \"Nail\" }\ntype.edible = false\n", .immutable, line: 2, column: 1,
                    "'type' is an inline table (line 1) and cannot be extended")
        expectError("type = { name = \"Nail\" }\n[type.edible]\n", .immutable, line: 2, column: 2, "cannot be extended")
        expectError("a = { b = 1, b.c = 2 }\n", .duplicateKey, line: 1, column: 14, "'b' is already an integer")
        expectError("fruits = []\n[[fruits]]\n", .immutable, line: 2, column: 1, "'fruits' is a static array (line 1)")
        expectError("a = [{ b = 1 }]\n[a.c]\n", .immutable, line: 2, column: 2, "'a' is an array (line 1)")
        expectError("a = {}\n[a]\n", .immutable, line: 2, column: 1, "cannot be extended")
    }

    @Test func encoding() {
        do {
            _ = try TOMLTable(parsing: Array("a = 1\nb = \"caf".utf8) + [0xE9, 0x22, 0x0A])
            Issue.record("accepted Latin-1")
        } catch {
            #expect(error.kind == .encoding)
            #expect(error.position == TOMLPosition(line: 2, column: 9))
            #expect(error.message.contains("not UTF-8 (byte 0xe9 here)"))
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = "a = " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        expectError(deep, .syntax, line: 1, column: 133, "nested more than 128 deep")
        let fine = "a = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        #expect(error(fine) == nil)
    }
}
