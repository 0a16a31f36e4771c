import Foundation
import SwitchboardApp

extension AppConfig {
    /// `testing()` with the admin every suite logs in as.
    static func testingWithAdmin() -> AppConfig {
        var config = AppConfig.testing()
        config.initialAdmin = .init(email: TestAPI.adminEmail, password: TestAPI.adminPassword, name: "Admin")
        return config
    }

    /// Deletes the fresh attachment directory `testing()` put under the temporary directory, so a test
    /// run leaves nothing behind there (each server made one, a few dozen per run).
    func removeTestAttachments() {
        guard let attachmentDirectory else { return }
        try? FileManager.default.removeItem(atPath: attachmentDirectory)
    }
}
