import Foundation
import HTTPTypes
import Hummingbird
import SyncCore

/// The stylesheet and script of the pages (`Resources/static`), served from memory with a
/// content hash as `ETag` and a short cache life.
public struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
    }

    private let assets: [String: Asset]

    /// The assets of this module's resource bundle, loaded once.
    public static let standard = StaticAssets(directory: WebResources.folder("static"))

    init(directory: URL) {
        var assets: [String: Asset] = [:]
        for (file, type) in [("racesync.css", "text/css; charset=utf-8"), ("racesync.js", "text/javascript; charset=utf-8")] {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(file)) else { continue }
            let tag = "\"" + ContentTag.of(data) + "\""
            assets[file] = Asset(body: ByteBuffer(bytes: data), contentType: type, etag: tag)
        }
        self.assets = assets
    }

    /// `GET /static/racesync.css` and `/static/racesync.js`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        for (file, asset) in assets {
            router.get("/static/\(file)") { request, _ in
                var headers: HTTPFields = [
                    .contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "public, max-age=300",
                    HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                ]
                if let ifNoneMatch = request.headers[.ifNoneMatch], ConditionalRequest.matches(ifNoneMatch, etag: asset.etag) {
                    return Response(status: .notModified, headers: headers)
                }
                headers[.contentLength] = String(asset.body.readableBytes)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
            }
        }
    }
}
