import Testing
import TOML

/// The examples of the TOML 1.0 specification, section by section, with the values they must
/// give.
@Suite struct SpecExampleTests {
    func parse(_ text: String) throws -> TOMLTable { try TOMLTable(parsing: text) }

    @Test func keys() throws {
        let table = try parse("""
            key = "value"
            bare_key = "value"
            bare-key = "value"
            1234 = "value"
            "127.0.0.1" = "value"
            "character encoding" = "value"
            "ʎǝʞ" = "value"
            'key2' = "value"
            'quoted "value"' = "value"
            "" = "blank"
            physical.color = "orange"
            site."google.com" = true
            fruit . flavor = "banana"
            3.14159 = "pi"
            """)
        #expect(table.keys == ["key", "bare_key", "bare-key", "1234", "127.0.0.1", "character encoding", "ʎǝʞ", "key2",
                               "quoted \"value\"", "", "physical", "site", "fruit", "3"])
        #expect(table[""]?.string == "blank")
        #expect(table["physical"]?.table?["color"]?.string == "orange")
        #expect(table["site"]?.table?["google.com"]?.bool == true)
        #expect(table["fruit"]?.table?["flavor"]?.string == "banana")
        #expect(table["3"]?.table?["14159"]?.string == "pi")
    }

    @Test func basicStringEscapes() throws {
        let table = try parse(#"""
            str = "I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF."
            all = "\b\t\n\f\r\"\\\u0041\U0001F600"
            """#)
        #expect(table["str"]?.string == "I'm a string. \"You can quote me\". Name\tJos\u{E9}\nLocation\tSF.")
        #expect(table["all"]?.string == "\u{8}\t\n\u{C}\r\"\\A\u{1F600}")
    }

    @Test func multilineBasicStrings() throws {
        let table = try parse(#"""
            str1 = """
            Roses are red
            Violets are blue"""
            str2 = """\
                   The quick brown \
                   fox jumps over \
                   the lazy dog.\
                   """
            str4 = """Here are two quotation marks: "". Simple enough."""
            str5 = """Here are three quotation marks: ""\"."""
            str7 = """"This," she said, "is just a pointless statement.""""
            """#)
        #expect(table["str1"]?.string == "Roses are red\nViolets are blue")
        #expect(table["str2"]?.string == "The quick brown fox jumps over the lazy dog.")
        #expect(table["str4"]?.string == "Here are two quotation marks: \"\". Simple enough.")
        #expect(table["str5"]?.string == "Here are three quotation marks: \"\"\".")
        #expect(table["str7"]?.string == "\"This,\" she said, \"is just a pointless statement.\"")
    }

    @Test func literalStrings() throws {
        let table = try parse(#"""
            winpath  = 'C:\Users\nodejs\templates'
            regex    = '<\i\c*\s*>'
            lines  = '''
            The first newline is
            trimmed in raw strings.
            '''
            str = ''''That,' she said, 'is still pointless.''''
            """#)
        #expect(table["winpath"]?.string == #"C:\Users\nodejs\templates"#)
        #expect(table["regex"]?.string == #"<\i\c*\s*>"#)
        #expect(table["lines"]?.string == "The first newline is\ntrimmed in raw strings.\n")
        #expect(table["str"]?.string == "'That,' she said, 'is still pointless.'")
    }

    @Test func crlfInMultilineStringsBecomesLF() throws {
        let table = try parse("a = \"\"\"\r\none\r\ntwo\"\"\"\r\nb = 1\r\n")
        #expect(table["a"]?.string == "one\ntwo")
        #expect(table["b"]?.position.line == 4)
    }

    @Test func integers() throws {
        let table = try parse("""
            int1 = +99
            int2 = 42
            int3 = 0
            int4 = -17
            int5 = 1_000
            int7 = 53_49_221
            hex1 = 0xDEADBEEF
            hex3 = 0xdead_beef
            oct1 = 0o01234567
            oct2 = 0o755
            bin1 = 0b11010110
            max = 9223372036854775807
            min = -9223372036854775808
            """)
        let values = ["int1": 99, "int2": 42, "int3": 0, "int4": -17, "int5": 1000, "int7": 5_349_221,
                      "hex1": 0xDEADBEEF, "hex3": 0xDEADBEEF, "oct1": 0o1234567, "oct2": 0o755, "bin1": 0b11010110]
        for (key, value) in values { #expect(table[key]?.integer == Int64(value), "\(key)") }
        #expect(table["max"]?.integer == Int64.max)
        #expect(table["min"]?.integer == Int64.min)
    }

    @Test func floats() throws {
        let table = try parse("""
            flt1 = +1.0
            flt2 = 3.1415
            flt3 = -0.01
            flt4 = 5e+22
            flt5 = 1e06
            flt6 = -2E-2
            flt7 = 6.626e-34
            flt8 = 224_617.445_991_228
            sf1 = inf
            sf2 = +inf
            sf3 = -inf
            sf4 = nan
            sf6 = -nan
            mz = -0.0
            """)
        let values: [String: Double] = ["flt1": 1, "flt2": 3.1415, "flt3": -0.01, "flt4": 5e22, "flt5": 1e6, "flt6": -2e-2,
                                        "flt7": 6.626e-34, "flt8": 224_617.445_991_228, "sf1": .infinity, "sf2": .infinity,
                                        "sf3": -.infinity]
        for (key, value) in values { #expect(table[key]?.float == value, "\(key)") }
        #expect(table["sf4"]?.float?.isNaN == true)
        #expect(table["sf6"]?.float?.isNaN == true)
        #expect(table["mz"]?.float?.sign == .minus)
        #expect(table["flt1"]?.typeName == "a float")
    }

    @Test func dateTimes() throws {
        let table = try parse("""
            odt1 = 1979-05-27T07:32:00Z
            odt2 = 1979-05-27T00:32:00-07:00
            odt3 = 1979-05-27T00:32:00.999999-07:00
            odt4 = 1979-05-27 07:32:00Z
            ldt1 = 1979-05-27T07:32:00
            ld1 = 1979-05-27
            lt1 = 07:32:00
            lt2 = 00:32:00.999999
            leap = 2016-12-31T23:59:60Z
            """)
        let odt3 = try #require(table["odt3"]?.dateTime)
        #expect(odt3.kind == .offsetDateTime)
        #expect(odt3.date == TOMLDateTime.Date(year: 1979, month: 5, day: 27))
        #expect(odt3.time == TOMLDateTime.Time(hour: 0, minute: 32, second: 0, nanosecond: 999_999_000))
        #expect(odt3.offsetMinutes == -420)
        #expect(odt3.text == "1979-05-27T00:32:00.999999-07:00")
        #expect(table["odt1"]?.dateTime?.offsetMinutes == 0)
        #expect(table["odt4"]?.dateTime?.text == "1979-05-27 07:32:00Z")
        #expect(table["ldt1"]?.dateTime?.kind == .localDateTime)
        #expect(table["ld1"]?.dateTime?.kind == .localDate)
        #expect(table["ld1"]?.typeName == "a date")
        #expect(table["lt1"]?.dateTime?.kind == .localTime)
        #expect(table["lt2"]?.dateTime?.time?.nanosecond == 999_999_000)
        // The specification allows a leap second.
        #expect(table["leap"]?.dateTime?.time?.second == 60)
    }

    @Test func arrays() throws {
        let table = try parse("""
            integers = [ 1, 2, 3 ]
            nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]
            numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]
            contributors = [
              "Foo Bar <foo@example.com>",
              { name = "Baz Qux", email = "bazqux@example.com" }
            ]
            integers3 = [
              1,
              2, # this is ok
            ]
            """)
        #expect(table["integers"]?.array?.compactMap(\.int) == [1, 2, 3])
        #expect(table["nested_mixed_array"]?.array?[1].array?.compactMap(\.string) == ["a", "b", "c"])
        #expect(table["numbers"]?.array?.map(\.typeName) == ["a float", "a float", "a float", "an integer", "an integer", "an integer"])
        #expect(table["contributors"]?.array?[1].table?["name"]?.string == "Baz Qux")
        #expect(table["contributors"]?.array?[1].position == TOMLPosition(line: 6, column: 3))
        #expect(table["integers3"]?.array?.compactMap(\.int) == [1, 2])
    }

    @Test func tablesAndInlineTables() throws {
        let table = try parse("""
            [table-1]
            key1 = "some string"
            [dog."tater.man"]
            type.name = "pug"
            [ j . "ʞ" . 'l' ]
            [x.y.z.w]
            [x]
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            [inline]
            name = { first = "Tom", last = "Preston-Werner" }
            animal = { type.name = "pug" }
            """)
        #expect(table["table-1"]?.table?["key1"]?.string == "some string")
        #expect(table["dog"]?.table?["tater.man"]?.table?["type"]?.table?["name"]?.string == "pug")
        #expect(table["j"]?.table?["ʞ"]?.table?["l"]?.table?.isEmpty == true)
        #expect(table["x"]?.table?["y"]?.table?["z"]?.table?["w"] != nil)
        #expect(table["x"]?.position.line == 7, "a table's position is its own header, once it has one")
        let apple = try #require(table["fruit"]?.table?["apple"]?.table)
        #expect(apple.keys == ["color", "taste", "texture"])
        #expect(apple["texture"]?.table?["smooth"]?.bool == true)
        #expect(table["inline"]?.table?["animal"]?.table?["type"]?.table?["name"]?.string == "pug")
    }

    @Test func arraysOfTables() throws {
        let table = try parse("""
            [[products]]
            name = "Hammer"
            sku = 738594937

            [[products]]  # empty table within the array

            [[products]]
            name = "Nail"

            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        let products = try #require(table["products"]?.array)
        #expect(products.count == 3)
        #expect(products[1].table?.isEmpty == true)
        #expect(products.map(\.position.line) == [1, 5, 7])
        let fruits = try #require(table["fruits"]?.array)
        #expect(fruits[0].table?["varieties"]?.array?.compactMap { $0.table?["name"]?.string } == ["red delicious", "granny smith"])
        #expect(fruits[0].table?["physical"]?.table?["color"]?.string == "red")
        #expect(fruits[1].table?["varieties"]?.array?.count == 1)
    }

    @Test func everyValueKnowsWhereItIs() throws {
        let table = try parse("""
            # comment
            [avs]
              endpoint = "https://example.com"
            [audio]
            initial_volume =   50
            ratios = [1,
                      2.5]
            """)
        #expect(table["avs"]?.position == TOMLPosition(line: 2, column: 1))
        #expect(table["avs"]?.table?["endpoint"]?.position == TOMLPosition(line: 3, column: 14))
        #expect(table["audio"]?.table?["initial_volume"]?.position == TOMLPosition(line: 5, column: 20))
        #expect(table["audio"]?.table?["ratios"]?.array?[1].position == TOMLPosition(line: 7, column: 11))
    }

    @Test func keysKeepDocumentOrder() throws {
        let table = try parse("z = 1\na = 2\nm = 3\n")
        #expect(table.keys == ["z", "a", "m"])
        #expect(table.entries.map(\.key) == ["z", "a", "m"])
    }

    @Test func bytesMayStartWithAByteOrderMark() throws {
        let table = try TOMLTable(parsing: [0xEF, 0xBB, 0xBF] + Array("a = 1\n".utf8))
        #expect(table["a"]?.int == 1)
    }
}
