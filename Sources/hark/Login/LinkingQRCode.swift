import AVSTransport

/// What `hark login` prints under the URL and the code: a QR code a phone opens straight to the
/// code page (with the code filled in), or one line saying how to get that.
enum LinkingQRCode {
    /// Amazon's code page takes the code as `cbl-code`, so scanning needs no typing.
    static func link(for pair: CodePair) -> String {
        let separator = pair.verificationURI.contains("?") ? "&" : "?"
        return pair.verificationURI + separator + "cbl-code=" + pair.userCode
    }

    /// The lines to print: the code when libqrencode is there, else the install hint.
    static func lines(for pair: CodePair, library: QREncodeLibrary?) -> [String] {
        guard let library else {
            return ["(for a QR code of this link here, install libqrencode: apt install libqrencode4)"]
        }
        guard let matrix = library.matrix(for: link(for: pair)) else { return [] }
        return ["or scan this with a phone:"] + TerminalQRCode.render(matrix)
    }
}
