public import Foundation

/// RFC 3339 UTC time stamps with milliseconds (`2026-11-26T04:46:36.123Z`), written and read
/// without a formatter object, so they are pure, fast and `Sendable`-free.
public enum Timestamp {
    /// Milliseconds since the Unix epoch of `date`, to the nearest millisecond.
    /// Total: NaN and dates beyond ±292 million years clamp instead of trapping.
    public static func milliseconds(_ date: Date) -> Int64 {
        let ms = (date.timeIntervalSince1970 * 1000).rounded()
        guard !ms.isNaN else { return 0 }
        if ms >= 9.2e18 { return 9_200_000_000_000_000_000 }
        if ms <= -9.2e18 { return -9_200_000_000_000_000_000 }
        return Int64(ms)
    }

    /// The years time stamps are read in: four-digit years, as RFC 3339 and HTTP dates write them.
    /// Anything outside is refused before any arithmetic, so a parser can never overflow.
    public static let years: ClosedRange<Int64> = 0...9999

    /// The date of `ms` milliseconds since the Unix epoch.
    public static func date(milliseconds ms: Int64) -> Date {
        Date(timeIntervalSince1970: Double(ms) / 1000)
    }

    /// Formats `date` as RFC 3339 UTC with milliseconds.
    public static func format(_ date: Date) -> String {
        format(milliseconds: milliseconds(date))
    }

    /// Formats a time given in milliseconds since the epoch.
    public static func format(milliseconds ms: Int64) -> String {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        let h = msOfDay / 3_600_000
        let m = (msOfDay / 60_000) % 60
        let s = (msOfDay / 1000) % 60
        let milli = msOfDay % 1000
        guard (0...9999).contains(year) else {
            return
                "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(milli, 3))Z"
        }
        // Digits written straight into the string's storage: this runs once per time stamp in bulk output.
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int64, _ width: Int, at offset: Int) {
                var v = value
                for k in stride(from: width - 1, through: 0, by: -1) {
                    out[offset + k] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            put(year, 4, at: 0)
            out[4] = 45
            put(month, 2, at: 5)
            out[7] = 45
            put(day, 2, at: 8)
            out[10] = 84
            put(h, 2, at: 11)
            out[13] = 58
            put(m, 2, at: 14)
            out[16] = 58
            put(s, 2, at: 17)
            out[19] = 46
            put(milli, 3, at: 20)
            out[23] = 90
            return 24
        }
    }

    /// Formats `date` as an RFC 1123 date (`Thu, 26 Nov 2026 05:13:37 GMT`), the form of HTTP
    /// dates and, with `zone: "+0000"`, of RSS `pubDate` (RFC 822 with a four-digit year).
    public static func rfc1123(_ date: Date, zone: String = "GMT") -> String {
        let ms = milliseconds(date)
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civil(fromDays: days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        let time = "\(pad(secondOfDay / 3600, 2)):\(pad((secondOfDay / 60) % 60, 2)):\(pad(secondOfDay % 60, 2))"
        return "\(weekday), \(pad(day, 2)) \(months[Int(month) - 1]) \(pad(year, 4)) \(time) \(zone)"
    }

    /// Parses an HTTP date: the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two
    /// obsolete forms RFC 9110 asks recipients to accept (RFC 850 and asctime). Total: any other
    /// text, an out-of-range field or a year outside 0...9999 gives nil, never a trap.
    public static func parseHTTPDate(_ text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func digits(_ s: Substring, _ widths: ClosedRange<Int>) -> Int64? {
            guard widths.contains(s.utf8.count), s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int64(s)
        }
        var day: Int64?
        var month: Int?
        var year: Int64?
        var clock: Substring?
        if parts.count == 6, parts[5] == "GMT" {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            (day, month, year, clock) = (
                digits(parts[1], 1...2), months.firstIndex(of: String(parts[2])), digits(parts[3], 4...4), parts[4]
            )
        } else if parts.count == 4, parts[3] == "GMT" {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years per RFC 9110 §5.6.7: within 50 years of now)
            let dmy = parts[1].split(separator: "-", omittingEmptySubsequences: false)
            guard dmy.count == 3, let yy = digits(dmy[2], 2...2) else { return nil }
            (day, month, year, clock) = (
                digits(dmy[0], 1...2), months.firstIndex(of: String(dmy[1])), yy < 70 ? 2000 + yy : 1900 + yy, parts[2]
            )
        } else if parts.count == 5 {
            // asctime: Sun Nov  6 08:49:37 1994
            (day, month, year, clock) = (
                digits(parts[2], 1...2), months.firstIndex(of: String(parts[1])), digits(parts[4], 4...4), parts[3]
            )
        }
        guard let day, let month, let year, let clock, years.contains(year), (1...31).contains(day) else { return nil }
        let hms = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, let h = digits(hms[0], 2...2), let m = digits(hms[1], 2...2),
            let s = digits(hms[2], 2...2),
            h < 24, m < 60, s < 61
        else { return nil }
        let days = days(fromCivil: year, Int64(month) + 1, day)
        return date(milliseconds: (days * 86400 + h * 3600 + m * 60 + s) * 1000)
    }

    /// Parses an RFC 3339 time stamp (`Z` or `±hh:mm` offset, optional fraction).
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116,
            b[13] == 58, b[16] == 58
        else { return nil }
        func num(_ from: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + len) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let year = num(0, 4), let month = num(5, 2), let day = num(8, 2),
            let hour = num(11, 2), let minute = num(14, 2), let second = num(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fractionMs: Int64 = 0
        if b[i] == 46 {
            i += 1
            var scale: Int64 = 100
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fractionMs += Int64(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start, i - start <= 9 else { return nil }
        }
        guard i < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        if b[i] == 90 || b[i] == 122 {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 43 || b[i] == 45 {
            guard i + 6 == b.count, b[i + 3] == 58, let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
        } else {
            return nil
        }
        let days = days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return date(milliseconds: seconds * 1000 + fractionMs)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // Howard Hinnant's days-from-civil algorithms.
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
