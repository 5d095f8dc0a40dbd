import NIOCore
import PostgresNIO

/// A one-dimensional PostgreSQL array whose elements may be NULL, bound in the binary array
/// format (postgres-nio binds arrays of non-optional values only). Lets a batch write bind
/// "no author" or "no code" as NULL instead of a stand-in value.
struct NullableArray<Element: PostgresArrayEncodable & Sendable>: PostgresEncodable, Sendable {
    var elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) throws {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)  // dimensions
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)  // has NULLs
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        guard let count = Int32(exactly: elements.count) else { throw NullableArrayTooLong(count: elements.count) }
        buffer.writeInteger(count)
        buffer.writeInteger(1, as: Int32.self)  // lower bound
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)  // NULL
                continue
            }
            let lengthAt = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(truncatingIfNeeded: buffer.writerIndex - start), at: lengthAt)
        }
    }
}

/// More elements than a PostgreSQL array holds.
struct NullableArrayTooLong: Error, CustomStringConvertible {
    var count: Int
    var description: String { "\(count) elements do not fit one PostgreSQL array" }
}
