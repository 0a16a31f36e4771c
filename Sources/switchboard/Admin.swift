import ArgumentParser
import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardServices
import SwitchboardStore

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer agents from the command line.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an admin agent (works while the server runs).")

        @Option(help: "The admin's email (their login).") var email: String
        @Option(help: "At least 8 characters.") var password: String
        @Option(help: "Display name.") var name: String
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            var config = AppConfig()
            storage.apply(to: &config)
            let store = try await withConfigurationErrors { try await StorageFactory.open(config) }
            do {
                let agent = try await AuthService(storage: store).createAgent(
                    in: Workspace.defaultID, email: email, name: name, password: password, role: .admin)
                print("Created admin \(agent.email) (id \(agent.id)).")
            } catch ServiceError.invalidField(_, let message) {
                throw ValidationError(message)
            } catch StorageError.duplicate {
                throw ValidationError("An agent with the email \(email) already exists.")
            }
        }
    }
}
