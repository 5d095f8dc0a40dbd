public import HTTPTypes

/// Header names HTTPTypes does not define, spelled once.
extension HTTPField.Name {
    public static let raceSyncCursor = HTTPField.Name("X-RaceSync-Cursor")!
    public static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    public static let link = HTTPField.Name("Link")!
    public static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    public static let lastEventID = HTTPField.Name("Last-Event-ID")!
    public static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
    public static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    public static let frameOptions = HTTPField.Name("X-Frame-Options")!
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
