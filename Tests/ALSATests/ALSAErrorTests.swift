import ALSA
import Testing

@Suite("ALSAError")
struct ALSAErrorTests {
    @Test("carries the negative code and snd_strerror's text")
    func codeAndMessage() {
        #expect(ALSAError.brokenPipe.code == -32)
        #expect(ALSAError.brokenPipe.message == "Broken pipe")
        #expect(ALSAError.suspended.code == -86)
        #expect(ALSAError.noDevice.code == -19)
        #expect(ALSAError.busy.code == -16)
        #expect(ALSAError.tryAgain.code == -11)
        #expect(ALSAError.badState.code == -77)
        #expect(ALSAError.ioError.code == -5)
        #expect(ALSAError.busy.description == "Device or resource busy (EBUSY)")
    }

    @Test("a positive errno is negated; equality compares codes")
    func normalizes() {
        #expect(ALSAError(code: 32) == .brokenPipe)
        #expect(ALSAError(code: -32) == .brokenPipe)
        #expect(ALSAError(code: -9999).symbol == nil)
    }

    @Test("ENODEV, EIO and EBADFD mean the device is gone; EPIPE and ESTRPIPE do not")
    func deviceGone() {
        #expect(ALSAError.noDevice.meansDeviceGone)
        #expect(ALSAError.ioError.meansDeviceGone)
        #expect(ALSAError.badState.meansDeviceGone)
        #expect(!ALSAError.brokenPipe.meansDeviceGone)
        #expect(!ALSAError.suspended.meansDeviceGone)
        #expect(!ALSAError.busy.meansDeviceGone)
    }
}
