import Testing
import TOML

@Suite struct SpecExampleTests {
    @Test func placeholder() throws {
        let table = try TOMLTable(parsing: "a = 1\n")
        #expect(table["a"]?.int == 1)
    }
}
