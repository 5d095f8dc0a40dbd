import Foundation

/// Hand-written JSON for the shapes printed in bulk (`racecli races --json`, `GET /api/races`):
/// Foundation's `JSONEncoder` spent more than half of a 10k-race listing. The output is
/// compact, with the same keys and values as the `Codable` form (a test holds them equal).
public protocol FastJSONWritable {
    func writeJSON(to out: inout String)
}

extension FastJSONWritable {
    /// The value as compact JSON.
    public var fastJSON: String {
        var out = ""
        writeJSON(to: &out)
        return out
    }
}

extension Array: FastJSONWritable where Element: FastJSONWritable {
    public func writeJSON(to out: inout String) {
        out += "["
        for (index, element) in enumerated() {
            if index > 0 { out += "," }
            element.writeJSON(to: &out)
        }
        out += "]"
    }
}

extension User: FastJSONWritable {
    public func writeJSON(to out: inout String) {
        out += "{\"avatar_url\":" + (avatarURL.map(JSONText.quote) ?? "null")
        out += ",\"id\":\"\(id.lowercased)\",\"twitch_display_name\":"
        out += twitchDisplayName.map(JSONText.quote) ?? "null"
        out += ",\"twitch_user_id\":" + (twitchUserID.map(JSONText.quote) ?? "null")
        out += ",\"twitch_username\":" + JSONText.quote(twitchUsername) + "}"
    }
}

extension RaceSummary: FastJSONWritable {
    public func writeJSON(to out: inout String) {
        out +=
            "{\"caster_count\":\(casterCount),\"created_at\":\"\(Timestamp.format(createdAt))\",\"id\":\"\(id.lowercased)\",\"name\":"
        out += JSONText.quote(name)
        out += ",\"organizer\":"
        organizer.writeJSON(to: &out)
        out += ",\"participant_count\":\(participantCount),\"status\":\"\(status.rawValue)\"}"
    }
}

extension HLC: FastJSONWritable {
    public func writeJSON(to out: inout String) {
        out += "{\"counter\":\(counter),\"node\":" + JSONText.quote(node) + ",\"wall_ms\":\(wallMs)}"
    }
}

extension CasterState: FastJSONWritable {
    /// The caster change payload: written once per merged op, so it skips `JSONEncoder`.
    public func writeJSON(to out: inout String) {
        out += "{\"caster_id\":\"\(CasterID.of(race: raceID, user: userID).lowercased)\",\"changed_by\":"
        out += register.changedBy.map { "\"\($0.lowercased)\"" } ?? "null"
        out += ",\"hlc\":"
        register.hlc.writeJSON(to: &out)
        out +=
            ",\"op_id\":\"\(register.opID.lowercased)\",\"present\":\(register.present),\"race_id\":\"\(raceID.lowercased)\",\"user_id\":\"\(userID.lowercased)\"}"
    }
}

extension OpResult: FastJSONWritable {
    /// One result per pushed op: a 1000-op push answers with 1000 of them.
    public func writeJSON(to out: inout String) {
        out += "{\"code\":" + (code.map { String($0) } ?? "null")
        out += ",\"detail\":" + (detail.map(JSONText.quote) ?? "null")
        out += ",\"op_id\":\"\(opID.lowercased)\",\"status\":\"\(status.rawValue)\",\"winner\":"
        if let winner {
            out += "{\"hlc\":"
            winner.hlc.writeJSON(to: &out)
            out += ",\"kind\":\"\(winner.kind.rawValue)\",\"user\":"
            winner.user.writeJSON(to: &out)
            out += "}"
        } else {
            out += "null"
        }
        out += "}"
    }
}

extension PushResponse: FastJSONWritable {
    public func writeJSON(to out: inout String) {
        out += "{\"hlc\":"
        hlc.writeJSON(to: &out)
        out += ",\"results\":"
        results.writeJSON(to: &out)
        out += "}"
    }
}

extension Op: FastJSONWritable {
    public func writeJSON(to out: inout String) {
        out += "{\"hlc\":"
        hlc.writeJSON(to: &out)
        out += ",\"kind\":\"\(kind.rawValue)\",\"op_id\":\"\(opID.lowercased)\",\"race_id\":\"\(raceID.lowercased)\""
        out += ",\"user_id\":\"\(userID.lowercased)\"}"
    }
}

extension PushRequest: FastJSONWritable {
    /// What a node pushes: up to 1000 ops at a time.
    public func writeJSON(to out: inout String) {
        out += "{\"node_id\":" + JSONText.quote(nodeID) + ",\"ops\":"
        ops.writeJSON(to: &out)
        out += "}"
    }
}
