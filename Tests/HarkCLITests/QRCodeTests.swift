import AVSTransport
import Testing
@testable import hark

/// The terminal QR code of `hark login`: the half-block renderer on known matrices, and the
/// optional libqrencode loaded at run time (present, and absent).
@Suite struct QRCodeTests {
    @Test func halfBlocksPairRowsAndTheQuietZoneIsLight() {
        // Dark modules are blank, light ones drawn: the zone row over row 0, then row 1 over
        // the zone row below.
        let matrix = QRMatrix(rows: ["#.", ".#"])
        #expect(TerminalQRCode.render(matrix, quietZone: 1) == [
            "█▀██",
            "██▄█",
        ])
        // An odd height: the last row's lower half is past the end, left blank.
        let odd = QRMatrix(rows: ["#.#", "...", "##."])
        #expect(TerminalQRCode.render(odd, quietZone: 0) == [
            "▄█▄",
            "  ▀",
        ])
    }

    @Test func theStandardQuietZoneIsFourModulesOnEverySide() {
        let matrix = QRMatrix(rows: ["#"])
        let lines = TerminalQRCode.render(matrix)
        #expect(lines.count == 5)  // 9 module rows in half blocks
        #expect(lines.allSatisfy { $0.count == 9 })
        #expect(lines[0] == String(repeating: "█", count: 9))
        #expect(lines[2] == "████▄████")  // row 4 (the dark module) over row 5
    }

    @Test func libqrencodeEncodesTheLinkWithTheCodeFilledIn() throws {
        let library = try #require(QREncodeLibrary.load(), "libqrencode4 is in the Makefile's DEB_PACKAGES")
        let pair = CodePair(userCode: "ABC123", deviceCode: "d", verificationURI: "https://amazon.com/us/code",
                            expiresIn: .seconds(600), interval: .seconds(5))
        #expect(LinkingQRCode.link(for: pair) == "https://amazon.com/us/code?cbl-code=ABC123")
        let matrix = try #require(library.matrix(for: LinkingQRCode.link(for: pair)))
        // A version v code is 17 + 4v modules wide; 43 bytes at level M need version 3 (29).
        #expect(matrix.width == 29)
        // The finder pattern in the top-left corner: a dark 7×7 ring, light ring, dark 3×3 core.
        for index in 0..<7 {
            #expect(matrix.isDark(row: 0, column: index) && matrix.isDark(row: 6, column: index))
            #expect(matrix.isDark(row: index, column: 0) && matrix.isDark(row: index, column: 6))
        }
        #expect(!matrix.isDark(row: 1, column: 1) && !matrix.isDark(row: 5, column: 5))
        #expect((2...4).allSatisfy { row in (2...4).allSatisfy { matrix.isDark(row: row, column: $0) } })
        // The same pattern in the other two corners, none in the fourth.
        #expect(matrix.isDark(row: 0, column: 28) && matrix.isDark(row: 28, column: 0))
        let lines = LinkingQRCode.lines(for: pair, library: library)
        #expect(lines.count == 1 + (29 + 8 + 1) / 2)
        #expect(lines.dropFirst().allSatisfy { $0.count == 37 })
    }

    @Test func aMissingLibraryMeansNoCodeAndOneLineNamingThePackage() {
        #expect(QREncodeLibrary.load(named: "libhark-no-such-qrencode.so.9") == nil)
        let pair = CodePair(userCode: "ABC123", deviceCode: "d", verificationURI: "https://amazon.com/us/code?x=1",
                            expiresIn: .seconds(600), interval: .seconds(5))
        #expect(LinkingQRCode.link(for: pair) == "https://amazon.com/us/code?x=1&cbl-code=ABC123")
        let lines = LinkingQRCode.lines(for: pair, library: nil)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("apt install libqrencode4") == true)
    }
}
