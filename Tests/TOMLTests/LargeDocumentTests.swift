import Testing
import TOML

/// Documents that are large in one direction: they parse (in linear time; a quadratic step
/// would show here as a test that takes minutes) or are refused, never crash.
@Suite struct LargeDocumentTests {
    @Test func longSingleLineArray() throws {
        let text = "a = [" + (0..<50_000).map { "\"é\($0)\"" }.joined(separator: ", ") + "]\n"
        let array = try #require(try TOMLTable(parsing: text)["a"]?.array)
        #expect(array.count == 50_000)
        #expect(array[49_999].position.column == 5 + (0..<49_999).reduce(0) { $0 + "\"é\($1)\", ".count } + 1)
    }

    @Test func manyArrayOfTablesElements() throws {
        let text = String(repeating: "[[item]]\nx = 1\n", count: 20_000)
        #expect(try TOMLTable(parsing: text)["item"]?.array?.count == 20_000)
    }

    @Test func tooManyKeyPartsAreRefused() {
        let key = Array(repeating: "k", count: 10_000).joined(separator: ".")
        for text in ["\(key) = 1\n", "[\(key)]\n", "a = { \(key) = 1 }\n"] {
            do {
                _ = try TOMLTable(parsing: text)
                Issue.record("accepted \(text.count) bytes of dotted key")
            } catch {
                #expect(error.message == "a key may have at most 128 dotted parts")
            }
        }
        #expect((try? TOMLTable(parsing: Array(repeating: "k", count: 128).joined(separator: ".") + " = 1\n")) != nil)
    }

    @Test func dottedKeysInsideNestedInlineTablesCountTowardsTheNestingLimit() {
        let key = Array(repeating: "k", count: 100).joined(separator: ".")
        let text = "a = " + String(repeating: "{ \(key) = ", count: 50) + "1" + String(repeating: " }", count: 50) + "\n"
        do {
            _ = try TOMLTable(parsing: text)
            Issue.record("accepted 5,000 levels of tables")
        } catch {
            #expect(error.message == "arrays and inline tables are nested more than 128 deep")
        }
    }
}
