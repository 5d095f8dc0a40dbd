import Foundation
import NIOSSL
import PostgresNIO

extension PostgresURL {
    /// How a TCP connection to PostgreSQL is encrypted: libpq's `sslmode`, with libpq's meaning.
    /// A Unix socket is local and never encrypted.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain TCP otherwise; the certificate is not checked.
        case prefer
        /// TLS or no connection; the certificate is not checked (checked as `verify-ca` when
        /// `sslrootcert` names the authorities, as libpq does).
        case require
        /// TLS with a certificate signed by a trusted authority, for any host name.
        case verifyCA = "verify-ca"
        /// TLS with a trusted certificate issued for the host connected to.
        case verifyFull = "verify-full"
    }

    /// `sslmode` and `sslrootcert` of a URL's query.
    static func tls(_ query: [URLQueryItem], overSocket: Bool) throws(Invalid) -> (TLSMode, String?) {
        let modeText = query.first { $0.name == "sslmode" }?.value
        let root = query.first { $0.name == "sslrootcert" }?.value
        guard let mode = modeText.map({ TLSMode(rawValue: $0) }) ?? .prefer else {
            let known = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw Invalid(description: "sslmode \(modeText ?? "") is not one of \(known)")
        }
        if overSocket, mode != .disable, mode != .prefer {
            throw Invalid(
                description:
                    "sslmode=\(mode.rawValue) needs a TCP host: a Unix socket (?host=/folder) is local and never encrypted"
            )
        }
        if let root {
            guard root.hasPrefix("/") else { throw Invalid(description: "sslrootcert must be an absolute path") }
            guard FileManager.default.isReadableFile(atPath: root) else {
                throw Invalid(description: "sslrootcert \(root) cannot be read")
            }
        }
        return (mode, root)
    }

    /// What BoringSSL checks of the server's certificate in this mode.
    var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable, .prefer:
            configuration.certificateVerification = .none
        case .require:
            configuration.certificateVerification = rootCertificateFile == nil ? .none : .noHostnameVerification
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
        }
        if let rootCertificateFile { configuration.trustRoots = .file(rootCertificateFile) }
        return configuration
    }

    /// The pool's TLS setting.
    var clientTLS: PostgresClient.Configuration.TLS {
        switch tlsMode {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration)
        case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
        }
    }

    /// A single connection's TLS setting (a context made now, so a `sslrootcert` that holds no
    /// certificate is refused here, before any connection).
    func connectionTLS() throws(Invalid) -> PostgresConnection.Configuration.TLS {
        guard tlsMode != .disable else { return .disable }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tlsConfiguration)
        } catch {
            throw Invalid(
                description: "sslrootcert \(rootCertificateFile ?? "") holds no usable certificate (\(error))")
        }
        return tlsMode == .prefer ? .prefer(context) : .require(context)
    }
}

extension PostgresURL {
    /// A failed TLS set-up of a connection to this database, told plainly; nil when `error` is
    /// not about TLS.
    func explainTLSFailure(_ error: any Error) -> String? {
        if let psql = error as? PSQLError, psql.code == .sslUnsupported {
            return "the server does not offer TLS, which sslmode=\(tlsMode.rawValue) requires"
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return
                "the server's certificate is not issued for \(host ?? "the host") (sslmode=verify-full checks the name, verify-ca does not)"
        }
        guard error is NIOSSLError || error is BoringSSLError else { return nil }
        if "\(error)".contains("CERTIFICATE_VERIFY_FAILED") {
            let authorities = rootCertificateFile.map { "an authority in \($0)" } ?? "an authority this system trusts"
            return
                "the server's certificate is not signed by \(authorities) (sslmode=\(tlsMode.rawValue); name the authorities with sslrootcert=/path/ca.crt)"
        }
        return "the TLS handshake failed: \(error)"
    }
}
