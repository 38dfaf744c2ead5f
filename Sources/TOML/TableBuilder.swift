/// Builds the document's tables while enforcing TOML's rules on defining them:
/// - a key gets a value once;
/// - a `[table]` is defined once, by its header or by dotted keys, never both;
/// - `[a.b.c]` may pass through tables made implicitly, by other headers or by dotted keys;
/// - dotted keys may not add to a table that has its own header, nor to an array of tables;
/// - inline tables and static arrays are complete where they are written;
/// - `[[a]]` appends to an array of tables and cannot turn anything else into one.
/// Tables are reference nodes while building so that a header can keep adding to the table it
/// opened; `finish` turns them into values.
struct TableBuilder {
    /// How a table came to exist, which decides what may add to it later.
    private enum Definition {
        /// Only as a parent in a header (`a` of `[a.b]`): a later `[a]` may still define it.
        case implicit
        /// By its own `[header]` (or as an element of an array of tables).
        case header
        /// By dotted keys (`a.b = 1` makes `a`).
        case dotted
        /// The document, or an inline table being built.
        case root
    }

    private final class Node {
        var keys: [String] = []
        var slots: [String: Slot] = [:]
        var definition: Definition
        var position: TOMLPosition

        init(_ definition: Definition, at position: TOMLPosition) {
            self.definition = definition
            self.position = position
        }

        func insert(_ key: String, _ slot: Slot) {
            keys.append(key)
            slots[key] = slot
        }

        func value() -> TOMLTable {
            var table = TOMLTable()
            for key in keys {
                switch slots[key]! {
                case .value(let value):
                    table.set(key, value)
                case .table(let node):
                    table.set(key, TOMLValue(.table(node.value()), at: node.position))
                case .tableArray(let nodes, let position):
                    table.set(key, TOMLValue(.array(nodes.map { TOMLValue(.table($0.value()), at: $0.position) }), at: position))
                }
            }
            return table
        }
    }

    private enum Slot {
        /// A finished value: scalars, static arrays, inline tables.
        case value(TOMLValue)
        case table(Node)
        /// `[[name]]` elements, and where the first was declared.
        case tableArray([Node], TOMLPosition)
    }

    private let root = Node(.root, at: TOMLPosition(line: 1, column: 1))
    /// The table key/value pairs go into: the last header's, or the root.
    private var current: Node

    init() {
        current = root
    }

    func finish() -> TOMLTable { root.value() }

    /// `key = value` in the current table.
    mutating func assign(_ key: [KeySegment], _ value: TOMLValue) throws(TOMLError) {
        var node = current
        for (offset, segment) in key.dropLast().enumerated() {
            let path = key[...offset]
            switch node.slots[segment.name] {
            case nil:
                let child = Node(.dotted, at: segment.position)
                node.insert(segment.name, .table(child))
                node = child
            case .table(let child):
                switch child.definition {
                case .implicit, .dotted, .root:
                    child.definition = .dotted
                    node = child
                case .header:
                    throw TOMLError(.duplicateTable, at: segment.position,
                                    "the dotted key '\(KeySegment.dotted(key))' adds to the table '\(KeySegment.dotted(path))', which has its own header at line \(child.position.line); put the key under that header")
                }
            case .tableArray(_, let position):
                throw TOMLError(.duplicateTable, at: segment.position,
                                "'\(KeySegment.dotted(path))' is an array of tables ([[...]] at line \(position.line)); a dotted key cannot add to it")
            case .value(let existing):
                throw Self.notATable(path, existing, at: segment.position)
            }
        }
        let last = key[key.count - 1]
        if let existing = node.slots[last.name] {
            throw TOMLError(.duplicateKey, at: last.position,
                            "the key '\(KeySegment.dotted(key))' is already defined at line \(Self.line(of: existing)); a key can be given a value only once")
        }
        node.insert(last.name, .value(value))
    }

    /// `[key]`: defines the table (creating parents as needed) and makes it current.
    mutating func openTable(_ key: [KeySegment], at position: TOMLPosition) throws(TOMLError) {
        let parent = try walkToParent(of: key)
        let last = key[key.count - 1]
        let name = "[\(KeySegment.dotted(key))]"
        switch parent.slots[last.name] {
        case nil:
            let node = Node(.header, at: position)
            parent.insert(last.name, .table(node))
            current = node
        case .table(let node):
            switch node.definition {
            case .implicit:
                node.definition = .header
                node.position = position
                current = node
            case .header, .root:
                throw TOMLError(.duplicateTable, at: position, "the table \(name) is already defined at line \(node.position.line); a table can be defined only once")
            case .dotted:
                throw TOMLError(.duplicateTable, at: position, "the table \(name) is already defined by dotted keys at line \(node.position.line); use either the header or the dotted keys")
            }
        case .tableArray(_, let first):
            throw TOMLError(.duplicateTable, at: position, "'\(KeySegment.dotted(key))' is an array of tables ([[...]] at line \(first.line)), so \(name) cannot define it as a table")
        case .value(let existing):
            throw Self.notATable(key[...], existing, at: position)
        }
    }

    /// `[[key]]`: appends a new table to the array of tables (creating it) and makes it current.
    mutating func appendTableArrayElement(_ key: [KeySegment], at position: TOMLPosition) throws(TOMLError) {
        let parent = try walkToParent(of: key)
        let last = key[key.count - 1]
        let node = Node(.header, at: position)
        switch parent.slots[last.name] {
        case nil:
            parent.insert(last.name, .tableArray([node], position))
        case .tableArray(var nodes, let first):
            // Release the slot's reference first so the append does not copy the whole array.
            parent.slots[last.name] = .tableArray([], first)
            nodes.append(node)
            parent.slots[last.name] = .tableArray(nodes, first)
        case .table(let existing):
            throw TOMLError(.duplicateTable, at: position,
                            "'\(KeySegment.dotted(key))' is already a table (line \(existing.position.line)), so [[\(KeySegment.dotted(key))]] cannot make it an array of tables")
        case .value(let existing):
            if case .array = existing.kind {
                throw TOMLError(.immutable, at: position,
                                "'\(KeySegment.dotted(key))' is a static array (line \(existing.position.line)); [[\(KeySegment.dotted(key))]] cannot append to it")
            }
            throw Self.notATable(key[...], existing, at: position)
        }
        current = node
    }

    /// The table holding a header's last key: through existing tables (an array of tables
    /// means its last element), creating missing ones implicitly.
    private func walkToParent(of key: [KeySegment]) throws(TOMLError) -> Node {
        var node = root
        for (offset, segment) in key.dropLast().enumerated() {
            switch node.slots[segment.name] {
            case nil:
                let child = Node(.implicit, at: segment.position)
                node.insert(segment.name, .table(child))
                node = child
            case .table(let child):
                node = child
            case .tableArray(let nodes, _):
                node = nodes[nodes.count - 1]
            case .value(let existing):
                throw Self.notATable(key[...offset], existing, at: segment.position)
            }
        }
        return node
    }

    /// A key used as a table that already holds a value: inline tables and arrays are
    /// complete where written; anything else is simply taken.
    private static func notATable(_ path: ArraySlice<KeySegment>, _ existing: TOMLValue, at position: TOMLPosition) -> TOMLError {
        let name = KeySegment.dotted(path)
        switch existing.kind {
        case .table:
            return TOMLError(.immutable, at: position,
                             "'\(name)' is an inline table (line \(existing.position.line)) and cannot be extended; add the keys inside its braces")
        case .array:
            return TOMLError(.immutable, at: position,
                             "'\(name)' is an array (line \(existing.position.line)) and cannot be used as a table")
        default:
            return TOMLError(.duplicateKey, at: position,
                             "'\(name)' is already \(existing.typeName) (line \(existing.position.line)) and cannot also be a table")
        }
    }

    private static func line(of slot: Slot) -> Int {
        switch slot {
        case .value(let value): value.position.line
        case .table(let node): node.position.line
        case .tableArray(_, let position): position.line
        }
    }
}
