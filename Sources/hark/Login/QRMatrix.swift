/// A square QR code as modules, row by row (`true` = dark).
struct QRMatrix: Sendable, Equatable {
    let width: Int
    let dark: [Bool]

    init(width: Int, dark: [Bool]) {
        precondition(dark.count == width * width, "a QR matrix is width × width modules")
        self.width = width
        self.dark = dark
    }

    /// Rows of `#` (dark) and `.` (light): tests write small matrices this way.
    init(rows: [String]) {
        self.init(width: rows.count, dark: rows.flatMap { $0.map { $0 == "#" } })
    }

    /// Whether the module at (`row`, `column`) is dark; outside the code (the quiet zone) is light.
    func isDark(row: Int, column: Int) -> Bool {
        guard (0..<width).contains(row), (0..<width).contains(column) else { return false }
        return dark[row * width + column]
    }
}
