import ArgumentParser
import Foundation
import RaceSyncCommand
import SyncCore
import SyncNode
import SyncStore

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Check a token against the hub, store it, and pull a first snapshot.",
        discussion: """
            Nothing is stored when the hub is unreachable (exit 3) or refuses the token (exit 1).
            A replica belongs to one user: logging in as another user starts it afresh, and is
            refused while ops are pending.
            With --token-stdin the token is read from the first line of standard input, so it never
            shows in 'ps' or in shell history (a --token option does).
            With --device no token is copied at all: racecli prints a web address and a code, you
            open it in any browser signed in on the hub and approve, and the hub hands racecli a
            new API token named after this machine (listed on the hub's tokens page).
            Examples:
              racecli login --hub https://hub.example.org --device
              racecli login --hub http://127.0.0.1:8080 --token-stdin < ~/.config/racesync/token
              pass show racesync | racecli login --hub https://hub.example.org --token-stdin
            """)

    @Option(help: "Hub base URL, e.g. http://127.0.0.1:8080.")
    var hub: String

    @Option(help: "Your API token (from 'syncd user add'). Visible in 'ps': prefer --token-stdin.")
    var token: String?

    @Flag(name: .customLong("token-stdin"), help: "Read the token from the first line of standard input.")
    var tokenStdin = false

    @Flag(help: "Sign in by approving a code on the hub's website (no token to copy).")
    var device = false

    func validate() throws {
        if [token != nil, tokenStdin, device].filter({ $0 }).count != 1 {
            throw ValidationError("give exactly one of --device, --token-stdin and --token")
        }
    }

    /// The token from `--token`, or the first line of standard input.
    func readToken() throws -> String {
        if let token { return token }
        guard let line = Swift.readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces), !line.isEmpty
        else {
            throw CommandFailure.usage("--token-stdin: standard input has no token on its first line")
        }
        return line
    }

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        let token = device ? try await deviceToken() : try readToken()
        let client: HTTPHubClient
        do { client = try HTTPHubClient(base: hub, token: token) } catch { throw CommandFailure.usage("\(error)") }
        let store: ReplicaStore
        let user: User
        do {
            user = try await client.me()
            store = try await ReplicaLogin.run(
                replicaPath: replica.path, hub: client,
                session: ReplicaSession(hub: client.base, token: token, user: user),
                open: { try replica.open(create: true) })
        } catch let error as HubClientError {
            throw CommandFailure.from(hub: error)
        } catch let error as ReplicaStore.LoginError {
            throw CommandFailure.user(error.description)
        }
        defer { try? store.close() }
        let races = try store.summaries().count
        if output.json {
            try Output.json(LoginSummary(user: user, hub: client.base, races: races, nodeID: store.nodeID))
        } else {
            print(
                "logged in as \(Output.name(user)) at \(client.base); pulled \(races) race\(races == 1 ? "" : "s") into \(store.path)"
            )
        }
    }
}

extension LoginCommand {
    /// A new token through the device login: the address and code on stderr, then the wait.
    func deviceToken() async throws -> String {
        let client: DeviceLoginClient
        do { client = try DeviceLoginClient(base: hub) } catch { throw CommandFailure.usage("\(error)") }
        do {
            let codes = try await client.start(name: "racecli on " + ProcessInfo.processInfo.hostName)
            printError(
                """
                To log in, open \(codes.verificationURIComplete)
                in a browser signed in on the hub, check that it shows the code \(codes.userCode), and approve.
                Waiting for approval (the code expires in \(codes.expiresIn / 60) minutes)…
                """)
            return try await client.token(for: codes)
        } catch let error as HubClientError {
            throw CommandFailure.from(hub: error)
        } catch let error as DeviceLoginFailure {
            throw CommandFailure.user(error.description)
        }
    }
}

/// `racecli login --json`.
struct LoginSummary: Encodable {
    var user: User
    var hub: String
    var races: Int
    var nodeID: String

    enum CodingKeys: String, CodingKey {
        case user, hub, races
        case nodeID = "node_id"
    }
}
