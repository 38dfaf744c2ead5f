#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// libqrencode (Debian `libqrencode4`), loaded with `dlopen` when `hark login` runs: the QR code
/// is a convenience, so the library is optional and never a link-time dependency of the
/// firmware (whose libraries stay libasound2, libgpiod, libcurl, libopus and libmpg123).
///
/// The two C functions used go through these closures, the one place each is called.
struct QREncodeLibrary: Sendable {
    /// `QRcode_encodeString(string, 0, QR_ECLEVEL_M, QR_MODE_8, 1)`: the smallest version that
    /// fits, medium error correction; an opaque `QRcode *`, or nil when the text does not fit.
    var encodeString: @Sendable (String) -> UnsafeRawPointer?
    /// `QRcode_free`.
    var free: @Sendable (UnsafeRawPointer) -> Void

    /// The SONAME Debian 12's `libqrencode4` installs.
    static let defaultName = "libqrencode.so.4"

    /// `dlopen` + `dlsym`; nil when the library (or one of its functions) is not there. The
    /// handle is never closed: the function pointers live as long as the process.
    static func load(named name: String = defaultName) -> QREncodeLibrary? {
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { return nil }
        guard let encodeSymbol = dlsym(handle, "QRcode_encodeString"), let freeSymbol = dlsym(handle, "QRcode_free") else {
            dlclose(handle)
            return nil
        }
        typealias EncodeString = @convention(c) (UnsafePointer<CChar>?, Int32, Int32, Int32, Int32) -> UnsafeMutableRawPointer?
        typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
        let encode = unsafeBitCast(encodeSymbol, to: EncodeString.self)
        let release = unsafeBitCast(freeSymbol, to: Free.self)
        // qrencode.h: QR_ECLEVEL_M = 1, QR_MODE_8 = 2; version 0 = the smallest that fits.
        return QREncodeLibrary(
            encodeString: { text in text.withCString { UnsafeRawPointer(encode($0, 0, 1, 2, 1)) } },
            free: { release(UnsafeMutableRawPointer(mutating: $0)) })
    }

    /// The modules of a QR code for `text` (nil when it does not fit in a QR code).
    func matrix(for text: String) -> QRMatrix? {
        guard let code = encodeString(text) else { return nil }
        defer { free(code) }
        // struct QRcode { int version; int width; unsigned char *data; }: data is width×width
        // bytes, row by row, bit 0 set for a dark module.
        let width = Int(code.load(fromByteOffset: MemoryLayout<Int32>.size, as: Int32.self))
        let pointerAlignment = MemoryLayout<UnsafeRawPointer>.alignment
        let dataOffset = (2 * MemoryLayout<Int32>.size + pointerAlignment - 1) / pointerAlignment * pointerAlignment
        guard width > 0, let data = code.load(fromByteOffset: dataOffset, as: UnsafePointer<UInt8>?.self) else { return nil }
        let modules = UnsafeBufferPointer(start: data, count: width * width).map { $0 & 1 == 1 }
        return QRMatrix(width: width, dark: modules)
    }
}
