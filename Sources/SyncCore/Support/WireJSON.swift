public import Foundation

/// The JSON conventions of the contract: snake_case keys (spelled out by each type),
/// lowercase UUIDs, RFC 3339 UTC time stamps with milliseconds, sorted keys for stable bytes.
public enum WireJSON {
    /// An encoder for contract shapes.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// A decoder for contract shapes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an RFC 3339 time stamp")
            }
            return date
        }
        return decoder
    }

    /// Encodes `value` as contract JSON.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    /// Decodes contract JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }

    /// A human description of a decoding failure that names the offending field.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "malformed JSON body" }
        func path(_ keys: [any CodingKey]) -> String {
            let names = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "body" : names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field '\(path(context.codingPath))' has the wrong type"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "field '\(path(context.codingPath))' is malformed: \(context.debugDescription)"
        @unknown default:
            return "malformed JSON body"
        }
    }
}

extension KeyedDecodingContainer {
    /// An integer within `range`. A JSON number outside it (even one too large for any Swift
    /// integer, like 2^67) is reported as this field out of range, not as malformed JSON.
    public func decodeInteger<T: FixedWidthInteger & Decodable>(
        _ type: T.Type, forKey key: Key, in range: ClosedRange<T>
    ) throws -> T {
        let outOfRange = DecodingError.dataCorruptedError(
            forKey: key, in: self, debugDescription: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
        if let value = try? decode(T.self, forKey: key) {
            guard range.contains(value) else { throw outOfRange }
            return value
        }
        // Present but not a representable integer: a huge number or a fraction is out of range;
        // anything else (a string, null) keeps its own error.
        if (try? decode(Double.self, forKey: key)) != nil { throw outOfRange }
        return try decode(T.self, forKey: key)
    }
}

extension KeyedEncodingContainer {
    /// Encodes a UUID in lowercase canonical form.
    public mutating func encodeID(_ id: UUID, forKey key: Key) throws {
        try encode(id.lowercased, forKey: key)
    }
}
