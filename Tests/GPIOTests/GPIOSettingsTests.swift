@testable import Appliance
import Testing

/// The `[gpio]` and `[feedback]` keys: defaults, values, the boolean kind, and errors that name
/// the key and the fix.
@Suite("GPIO and feedback settings")
struct GPIOSettingsTests {
    let minimal = """
        [auth]
        client_id = "amzn1.application-oa2-client.x"
        product_id = "hark"
        device_serial = "0001"

        """

    @Test("defaults: no chip, no lines, active-low pull-up, 30/600/10000 ms, earcons on")
    func defaults() throws {
        let settings = try SettingsLoader.parse(minimal, path: "hark.toml", environment: [:])
        #expect(settings.gpio == GPIOSettings())
        #expect(settings.gpio.chip == nil && settings.gpio.buttonLine == nil && settings.gpio.ledLine == nil)
        #expect(settings.gpio.activeLow && !settings.gpio.ledActiveLow && settings.gpio.bias == .pullUp)
        #expect(settings.gpio.debounceMilliseconds == 30 && settings.gpio.holdMilliseconds == 600)
        #expect(settings.gpio.longPressMilliseconds == 10_000)
        #expect(settings.feedback.earcons)
    }

    @Test("every key from the file")
    func fromFile() throws {
        let settings = try SettingsLoader.parse(minimal + """
            [gpio]
            chip = "gpiochip4"
            button_line = 17
            active_low = false
            bias = "pull-down"
            led_line = 27
            led_active_low = true
            debounce_ms = 20
            hold_ms = 800
            long_press_ms = 5000
            [feedback]
            earcons = false
            """, path: "hark.toml", environment: [:])
        #expect(settings.gpio.chip == "gpiochip4" && settings.gpio.buttonLine == 17 && settings.gpio.ledLine == 27)
        #expect(!settings.gpio.activeLow && settings.gpio.ledActiveLow && settings.gpio.bias == .pullDown)
        #expect(settings.gpio.debounceMilliseconds == 20 && settings.gpio.holdMilliseconds == 800)
        #expect(settings.gpio.longPressMilliseconds == 5000)
        #expect(!settings.feedback.earcons)
        #expect(SettingsLoader.describe(settings).contains("earcons = false"))
    }

    @Test("booleans from the environment", arguments: [("false", false), ("0", false), ("no", false), ("TRUE", true), ("1", true)])
    func booleanEnvironment(text: String, value: Bool) throws {
        let settings = try SettingsLoader.parse(minimal, path: "hark.toml", environment: ["HARK_FEEDBACK_EARCONS": text])
        #expect(settings.feedback.earcons == value)
    }

    @Test("bad values name the key, the line and what is allowed", arguments: [
        ("[gpio]\nactive_low = \"yes\"", "hark.toml:6: 'gpio.active_low' must be true or false, not a string"),
        ("[gpio]\nbias = \"up\"", "'gpio.bias' must be one of pull-up, pull-down, disabled, as-is"),
        ("[gpio]\nbutton_line = -1", "'gpio.button_line' must be between 0 and 1023 (leave it out for none)"),
        ("[gpio]\ndebounce_ms = 0", "'gpio.debounce_ms' must be between 1 and 500"),
        ("[feedback]\nearcons = 1", "'feedback.earcons' must be true or false, not an integer"),
    ])
    func badValues(text: String, message: String) {
        do {
            _ = try SettingsLoader.parse(minimal + text, path: "hark.toml", environment: [:])
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test("a bad boolean in the environment names the variable")
    func badEnvironmentBoolean() {
        do {
            _ = try SettingsLoader.parse(minimal, path: "hark.toml", environment: ["HARK_GPIO_ACTIVE_LOW": "maybe"])
            Issue.record("accepted")
        } catch {
            #expect(error.description == "environment HARK_GPIO_ACTIVE_LOW: 'gpio.active_low' must be true or false, not \"maybe\"")
        }
    }
}
