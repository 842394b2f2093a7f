import GRDB

/// The queue's schema: the numbered migrations in `migrations/*.sql`, embedded at build time.
enum StoreSchema {
    /// The migrations' identifiers (file names without `.sql`), in the order they apply.
    static var identifiers: [String] { EmbeddedMigrations.all.map(\.identifier) }

    /// A migrator that applies every embedded migration, each in its own transaction.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in EmbeddedMigrations.all {
            // The default deferred foreign-key check runs after each migration, so a
            // migration that rebuilds a table cannot leave dangling log rows behind.
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }

    /// Brings the database up to date, refusing one that a newer store has migrated further:
    /// its schema may mean things this code does not know about.
    static func migrate(_ writer: some DatabaseWriter, path: String) throws {
        let migrator = migrator()
        let known = Set(identifiers)
        let applied = try writer.read { db in try migrator.appliedIdentifiers(db) }
        let unknown = applied.subtracting(known)
        guard unknown.isEmpty else {
            throw StoreError.schemaTooNew(path: path, unknownMigrations: unknown.sorted())
        }
        try migrator.migrate(writer)
    }
}
