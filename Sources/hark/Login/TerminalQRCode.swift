/// Draws a `QRMatrix` in a terminal with Unicode half blocks: one character is one module wide
/// and two modules tall, so the code stays square in a monospace font and small enough for an
/// 80×24 terminal. Light modules are drawn (the terminal's light text on its dark background,
/// as `qrencode -t UTF8` does), dark ones are left blank, and a light quiet zone surrounds the
/// code so a phone camera finds its edges.
enum TerminalQRCode {
    /// The light margin, in modules, around the code: the QR specification asks for 4.
    static let standardQuietZone = 4

    static func render(_ matrix: QRMatrix, quietZone: Int = standardQuietZone) -> [String] {
        let span = -quietZone..<(matrix.width + quietZone)
        return stride(from: span.lowerBound, to: span.upperBound, by: 2).map { top in
            String(span.map { column -> Character in
                let upper = !matrix.isDark(row: top, column: column)
                // An odd height (no quiet zone) leaves the last row's lower half past the end: blank.
                let lower = top + 1 < span.upperBound ? !matrix.isDark(row: top + 1, column: column) : false
                switch (upper, lower) {
                case (true, true): return "█"
                case (true, false): return "▀"
                case (false, true): return "▄"
                case (false, false): return " "
                }
            })
        }
    }
}
