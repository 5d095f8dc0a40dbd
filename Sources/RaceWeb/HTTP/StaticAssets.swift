import Foundation
import HTTPTypes
public import Hummingbird
import SyncCore

/// The stylesheet and script of the pages (`Resources/static`, embedded in the code), served
/// from memory with a content hash as `ETag` and a short cache life.
public struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
    }

    private let assets: [String: Asset]

    /// The embedded stylesheet and script.
    public static let standard = StaticAssets(files: [
        ("racesync.css", "text/css; charset=utf-8", PackageResources.racesync_css),
        ("racesync.js", "text/javascript; charset=utf-8", PackageResources.racesync_js),
    ])

    init(files: [(name: String, contentType: String, bytes: [UInt8])]) {
        var assets: [String: Asset] = [:]
        for file in files {
            let tag = "\"" + ContentTag.of(Data(file.bytes)) + "\""
            assets[file.name] = Asset(body: ByteBuffer(bytes: file.bytes), contentType: file.contentType, etag: tag)
        }
        self.assets = assets
    }

    /// `GET /static/racesync.css` and `/static/racesync.js`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        for (file, asset) in assets {
            router.get("/static/\(file)") { request, _ in
                var headers: HTTPFields = [
                    .contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "public, max-age=300",
                    .contentTypeOptions: "nosniff",
                ]
                if let ifNoneMatch = request.headers[.ifNoneMatch],
                    ConditionalRequest.matches(ifNoneMatch, etag: asset.etag)
                {
                    return Response(status: .notModified, headers: headers)
                }
                headers[.contentLength] = String(asset.body.readableBytes)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
            }
        }
    }
}
