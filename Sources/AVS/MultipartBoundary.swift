/// The `boundary` parameter of a multipart Content-Type such as
/// `multipart/related; boundary=abc; type="application/json"`.
///
/// The parameter name is case-insensitive, the value may be a token or a quoted string
/// (with `\` escapes), and more parameters may follow it. Returns nil when there is no
/// boundary or it is empty.
public func multipartBoundary(contentType: String) -> String? {
    let scalars = Array(contentType.unicodeScalars)
    var index = 0
    // Skip the media type itself.
    while index < scalars.count, scalars[index] != ";" { index += 1 }
    while index < scalars.count {
        index += 1  // the ";"
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        var name = ""
        while index < scalars.count, scalars[index] != "=", scalars[index] != ";" {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        var value = ""
        if index < scalars.count, scalars[index] == "=" {
            index += 1
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
            if index < scalars.count, scalars[index] == "\"" {
                index += 1
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
                // Skip the closing quote and anything up to the next parameter.
                while index < scalars.count, scalars[index] != ";" { index += 1 }
            } else {
                while index < scalars.count, scalars[index] != ";" {
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
                value = value.trimmingASCIIWhitespace()
            }
        }
        if name.trimmingASCIIWhitespace().lowercased() == "boundary" {
            return value.isEmpty ? nil : value
        }
    }
    return nil
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
