import CALSA
import CCurl
import CGPIOD
import CMPG123
import COpus
import Testing

/// Each system-library module links and reports a version from the library it wraps, so a
/// missing -dev package or a broken module map fails here with the library's name.
@Suite struct SystemLibraryTests {
    @Test func alsaReportsItsVersion() {
        let version = String(cString: snd_asoundlib_version())
        #expect(version.hasPrefix("1."))
    }

    @Test func gpiodReportsItsVersion() {
        let version = String(cString: gpiod_version_string())
        #expect(version.first?.isNumber == true)
    }

    @Test func curlSpeaksHTTP2() throws {
        let info = try #require(hark_curl_version_info())
        #expect(info.pointee.features & Int32(CURL_VERSION_HTTP2) != 0, "libcurl must be built with nghttp2 for AVS")
        #expect(info.pointee.features & Int32(CURL_VERSION_SSL) != 0)
    }

    @Test func opusReportsItsVersion() {
        let version = String(cString: opus_get_version_string())
        #expect(version.hasPrefix("libopus"))
    }

    @Test func mpg123Initialises() {
        #expect(mpg123_init() == Int32(MPG123_OK.rawValue))
    }
}
