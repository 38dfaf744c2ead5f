import AVSTransport
import Appliance

/// Whether a refresh token is stored and Login with Amazon still accepts it: one real refresh
/// grant. The token is never printed; a rotated token LWA hands back is stored atomically, as
/// `hark run` would, so the check never leaves the board with a stale one.
enum TokenCheck {
    static let name = "account link"

    static func run(settings: HarkSettings) async -> DoctorCheck {
        let store = TokenStore(directory: settings.state.directory)
        let token: RefreshToken
        do {
            guard let stored = try store.load() else {
                return .failed(name, "no refresh token in \(store.path): this device is not linked to an Amazon account",
                               fix: "run `hark login` as the user Hark runs as (on a board: `sudo -u hark hark login`)",
                               exitCode: Sysexits.noPermission)
            }
            token = stored
        } catch {
            return .failed(name, "the refresh token cannot be read: \(error)",
                           fix: "give the state directory to the user Hark runs as (`chown -R hark: \(settings.state.directory)`)",
                           exitCode: Sysexits.noPermission)
        }
        let client: LWAClient
        do {
            client = try LWAClient(configuration: ApplianceParts.lwaConfiguration(settings))
        } catch {
            return .failed(name, "libcurl cannot start: \(error)", fix: "reinstall libcurl4", exitCode: Sysexits.software)
        }
        switch await client.refresh(token) {
        case .success(let grant):
            var detail = "a refresh token is stored and Login with Amazon accepts it (access token for \(grant.expiresIn.components.seconds) s)"
            if let rotated = grant.refreshToken, rotated != token {
                do {
                    try store.save(rotated)
                    detail += "; the new refresh token it sent is stored"
                } catch {
                    return .failed(name, "Login with Amazon sent a new refresh token that cannot be stored: \(error)",
                                   fix: "make \(settings.state.directory) writable by the user Hark runs as, then `hark login`",
                                   exitCode: Sysexits.cannotCreate)
                }
            }
            return .passed(name, detail)
        case .failure(.invalidGrant):
            return .failed(name, "Login with Amazon refused the stored refresh token (invalid_grant): the link was removed or revoked",
                           fix: "link again with `hark login`", exitCode: Sysexits.noPermission)
        case .failure(.transient(let reason)):
            return .failed(name, "a refresh token is stored, but Login with Amazon at \(settings.auth.lwaURL) could not be asked: \(reason)",
                           fix: "check the network, auth.lwa_url and avs.ca_file (also used for Login with Amazon)",
                           exitCode: Sysexits.temporaryFailure)
        }
    }
}
