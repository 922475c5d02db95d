import GRDB
import UnitraceCore
import UnitraceInventory

enum SQLiteSchema {
    /// Applied in declaration order. Append only; never rename, reorder or edit a shipped migration.
    enum MigrationID: String, CaseIterable {
        case ledgerAndCatalogue = "0001_ledger_and_catalogue"
        case unitExpiry = "0002_unit_expiry"
        case productCompanyPrefix = "0003_product_company_prefix"
        case serverTables = "0004_keys_webhooks_requests"
        case webhookHead = "0005_webhook_head"
        case identifierIndex = "0006_identifier_index"
        case stock = "0007_stock"
        case holds = "0008_holds"
        case counts = "0009_counts"
        case notices = "0010_notices_and_transfers"
        case containers = "0011_containers"
        case genealogy = "0012_genealogy"
        case outermost = "0013_outermost"
        case lotInputs = "0014_lot_inputs"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()  // never eraseDatabaseOnSchemaChange: the ledger is the product
        migrator.registerMigration(MigrationID.ledgerAndCatalogue.rawValue, migrate: v0001)
        migrator.registerMigration(MigrationID.unitExpiry.rawValue, migrate: v0002)
        migrator.registerMigration(MigrationID.productCompanyPrefix.rawValue, migrate: v0003)
        migrator.registerMigration(MigrationID.serverTables.rawValue, migrate: v0004)
        migrator.registerMigration(MigrationID.webhookHead.rawValue, migrate: v0005)
        migrator.registerMigration(MigrationID.identifierIndex.rawValue, migrate: v0006)
        migrator.registerMigration(MigrationID.stock.rawValue, migrate: v0007)
        migrator.registerMigration(MigrationID.holds.rawValue, migrate: v0008)
        migrator.registerMigration(MigrationID.counts.rawValue, migrate: v0009)
        migrator.registerMigration(MigrationID.notices.rawValue, migrate: v0010)
        migrator.registerMigration(MigrationID.containers.rawValue, migrate: v0011)
        migrator.registerMigration(MigrationID.genealogy.rawValue, migrate: v0012)
        migrator.registerMigration(MigrationID.outermost.rawValue, migrate: v0013)
        migrator.registerMigration(MigrationID.lotInputs.rawValue, migrate: v0014)
        return migrator
    }

    /// The newest migration this build knows.
    static var latest: String { MigrationID.allCases.last!.rawValue }

    /// What each lot a production made was made from (the consumed lots, as JSON on the lot), and the index
    /// from an input lot to the lots made from it, which a trace up of a raw material reads.
    private static func v0014(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE lot ADD COLUMN inputs TEXT;
                CREATE TABLE lot_input (
                    input_sku TEXT NOT NULL,
                    input_lot TEXT NOT NULL,
                    sku TEXT NOT NULL,
                    code TEXT NOT NULL,
                    PRIMARY KEY (input_sku, input_lot, sku, code)
                ) WITHOUT ROWID;
                """)
    }

    /// Each unit's outermost unit now (`root_id`, the unit fitted in nothing that holds it, since `root_since`)
    /// and the spells in outermost units that ended, both filled from the assembly links already stored: a
    /// trace up of a lot reads them from one index instead of walking the links.
    private static func v0013(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE unit ADD COLUMN root_id INTEGER;
                ALTER TABLE unit ADD COLUMN root_since INTEGER;
                DROP INDEX unit_by_lot;
                CREATE INDEX unit_by_lot ON unit(sku, lot, root_id) WHERE lot IS NOT NULL;
                CREATE INDEX unit_by_root ON unit(root_id) WHERE root_id IS NOT NULL;
                CREATE TABLE outermost_spell (
                    unit_id INTEGER NOT NULL,
                    sku TEXT NOT NULL,
                    lot TEXT,
                    root_id INTEGER NOT NULL,
                    since_ms INTEGER NOT NULL,
                    until_ms INTEGER NOT NULL
                );
                CREATE INDEX spell_by_unit ON outermost_spell(unit_id);
                CREATE INDEX spell_by_lot ON outermost_spell(sku, lot) WHERE lot IS NOT NULL;
                """)
        let links = try Row.fetchAll(db, sql: "SELECT \(SQLiteStore.linkColumns) FROM assembly_link l").map(
            SQLiteStore.link)
        if !links.isEmpty { try SQLiteStore.writeOutermost(OutermostReplay(links: links), db) }
    }

    /// Which component is installed in which unit, now and in the past (filled from the ledger's installs and
    /// removals, of which a store made before this migration has none), the parent each unit is installed in,
    /// the units of a lot, which a trace up from a lot starts from; production runs, and recall campaigns with
    /// the units each one affects.
    private static func v0012(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE unit ADD COLUMN parent TEXT;
                CREATE INDEX unit_by_lot ON unit(sku, lot) WHERE lot IS NOT NULL;
                CREATE TABLE assembly_link (
                    child_sku TEXT NOT NULL,
                    child_serial TEXT NOT NULL,
                    installed_seq INTEGER NOT NULL,
                    parent_sku TEXT NOT NULL,
                    parent_serial TEXT NOT NULL,
                    installed_ms INTEGER NOT NULL,
                    removed_seq INTEGER,
                    removed_ms INTEGER,
                    PRIMARY KEY (child_sku, child_serial, installed_seq)
                ) WITHOUT ROWID;
                CREATE INDEX assembly_by_parent ON assembly_link(parent_sku, parent_serial);
                CREATE TABLE production_run (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    body TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE recall (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    body TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE recall_unit (
                    recall_id TEXT NOT NULL,
                    sku TEXT NOT NULL,
                    serial TEXT NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (recall_id, sku, serial)
                ) WITHOUT ROWID;
                CREATE INDEX recall_unit_by_unit ON recall_unit(sku, serial);
                """)
    }

    /// Containers (cases, pallets) by SSCC, the quantities packed in them, and the container each unit is in.
    private static func v0011(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE unit ADD COLUMN container TEXT;
                CREATE INDEX unit_by_container ON unit(container) WHERE container IS NOT NULL;
                CREATE TABLE container (
                    sscc TEXT PRIMARY KEY,
                    parent TEXT,
                    location TEXT NOT NULL,
                    destination TEXT,
                    version INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX container_by_parent ON container(parent) WHERE parent IS NOT NULL;
                -- quantity is in thousandths; lot is '' for a bulk product
                CREATE TABLE container_quantity (
                    sscc TEXT NOT NULL,
                    sku TEXT NOT NULL,
                    lot TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    PRIMARY KEY (sscc, sku, lot)
                ) WITHOUT ROWID;
                """)
    }

    /// Advance ship notices and purchase orders, the scans of their receipts, and transfers between places.
    private static func v0010(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE ship_notice (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    body TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE stock_transfer (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    body TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX stock_transfer_state ON stock_transfer(state, created_at);
                CREATE TABLE notice_scan (
                    notice_id TEXT NOT NULL REFERENCES ship_notice(id),
                    n INTEGER NOT NULL,
                    scan TEXT NOT NULL,
                    PRIMARY KEY (notice_id, n)
                ) WITHOUT ROWID;
                """)
    }

    /// Cycle counts: what each expected when it was opened, and its scans.
    private static func v0009(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE stock_count (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    opened_at TEXT NOT NULL,
                    closed_at TEXT,
                    approved_at TEXT,
                    count TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE count_expected (
                    count_id TEXT PRIMARY KEY REFERENCES stock_count(id),
                    expected TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE count_scan (
                    count_id TEXT NOT NULL REFERENCES stock_count(id),
                    n INTEGER NOT NULL,
                    scan TEXT NOT NULL,
                    PRIMARY KEY (count_id, n)
                ) WITHOUT ROWID;
                """)
    }

    /// Holds for customers and orders; an index for picks in a few places, by expiry within each.
    private static func v0008(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE hold (
                    id TEXT PRIMARY KEY,
                    party TEXT NOT NULL,
                    sku TEXT NOT NULL REFERENCES product(sku),
                    serial TEXT,
                    lot TEXT,
                    location TEXT,
                    quantity INTEGER,
                    until TEXT NOT NULL,
                    until_ms INTEGER NOT NULL,
                    created_at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    closed_at TEXT,
                    outcome TEXT
                ) WITHOUT ROWID;
                CREATE INDEX hold_open ON hold(sku, until_ms) WHERE closed_at IS NULL;
                CREATE INDEX stock_level_pick_at ON stock_level(sku, location, state, expiry, lot);

                -- How many units of a product are at a location in a status: what `stock` reads.
                CREATE TABLE unit_count (
                    sku TEXT NOT NULL,
                    location TEXT NOT NULL,
                    status TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (sku, location, status)
                ) WITHOUT ROWID;
                INSERT INTO unit_count (sku, location, status, count)
                    SELECT sku, location, status, count(*) FROM unit GROUP BY sku, location, status;
                """)
    }

    /// Lots, the quantity and sales projections (filled from the events already there), reorder rules, a
    /// product's unit of measure and shelf life, and an index of units by expiry.
    private static func v0007(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE product ADD COLUMN uom TEXT;
                ALTER TABLE product ADD COLUMN shelf_life_days INTEGER;
                CREATE INDEX unit_by_expiry ON unit(expiry) WHERE expiry IS NOT NULL;

                CREATE TABLE lot (
                    sku TEXT NOT NULL REFERENCES product(sku),
                    code TEXT NOT NULL,
                    made_on TEXT,
                    expiry TEXT,
                    best_before TEXT,
                    supplier TEXT,
                    run TEXT,
                    PRIMARY KEY (sku, code)
                ) WITHOUT ROWID;

                -- quantity is in thousandths; lot is '' for a bulk product; expiry is the lot's, or '9999-12-31'
                -- when it has none, so that first-expired-first-out reads the index in order.
                CREATE TABLE stock_level (
                    sku TEXT NOT NULL,
                    lot TEXT NOT NULL,
                    location TEXT NOT NULL,
                    state TEXT NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    expiry TEXT NOT NULL,
                    PRIMARY KEY (sku, lot, location, state)
                ) WITHOUT ROWID;
                CREATE INDEX stock_level_pick ON stock_level(sku, state, expiry, lot, location);
                CREATE INDEX stock_level_expiry ON stock_level(expiry);

                CREATE TABLE sales_day (
                    sku TEXT NOT NULL,
                    day TEXT NOT NULL,
                    location TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    PRIMARY KEY (sku, day, location, channel)
                ) WITHOUT ROWID;
                CREATE INDEX sales_day_by_day ON sales_day(day);

                CREATE TABLE reorder_rule (
                    sku TEXT NOT NULL REFERENCES product(sku),
                    location TEXT NOT NULL REFERENCES location(code),
                    point INTEGER NOT NULL,
                    quantity INTEGER NOT NULL,
                    PRIMARY KEY (sku, location)
                ) WITHOUT ROWID;
                """)
        var totals = Projections.StockTotals()
        var after: Int64 = 0
        while true {
            let page = try SQLiteStore.recordedEvents(
                db,
                where:
                    #"e.sequence > ? AND (e.kind = 'sell' OR e.header LIKE '%"quantities":%' OR e.header LIKE '%"lots":%')"#,
                arguments: [after, 1000], limited: true)
            guard let last = page.last else { break }
            for recorded in page { totals.add(recorded.event) }
            after = last.sequence
        }
        try SQLiteStore.writeStock(db, totals)
    }

    /// The identifier index of captured EPCIS events (``Projections``), filled from the events already there.
    private static func v0006(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE event_identifier (
                    identifier TEXT NOT NULL,
                    sequence INTEGER NOT NULL REFERENCES event(sequence),
                    PRIMARY KEY (identifier, sequence)
                ) WITHOUT ROWID;
                CREATE INDEX event_identifier_by_sequence ON event_identifier(sequence);
                """)
        let insert = try db.makeStatement(sql: SQLiteStore.insertIdentifierSQL)
        let rows = try Row.fetchCursor(
            db, sql: #"SELECT sequence, header, hash FROM event WHERE header LIKE '%"epcis":%' ORDER BY sequence"#)
        while let row = try rows.next() {
            let recorded = try SQLiteStore.recorded(row)
            for name in Projections.identifiers(of: recorded.event) {
                try insert.execute(arguments: [name.value, recorded.sequence])
            }
        }
    }

    /// A subscription may also receive the ledger's head on a schedule, as a witness.
    private static func v0005(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE webhook_subscription ADD COLUMN head_every_s INTEGER")
    }

    /// API keys, webhook subscriptions with their outbox and delivery log, and idempotent requests.
    private static func v0004(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE api_key (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                );

                CREATE TABLE webhook_subscription (
                    id TEXT PRIMARY KEY,
                    url TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    kinds TEXT NOT NULL,
                    skus TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );

                -- Written in the same transaction as the events it announces.
                CREATE TABLE webhook_outbox (
                    id INTEGER PRIMARY KEY,
                    subscription TEXT NOT NULL REFERENCES webhook_subscription(id) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL REFERENCES event(sequence),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_ms INTEGER NOT NULL
                );
                CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_ms);

                CREATE TABLE webhook_delivery (
                    id INTEGER PRIMARY KEY,
                    subscription TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    attempt INTEGER NOT NULL,
                    at TEXT NOT NULL,
                    status INTEGER,
                    error TEXT,
                    delivered INTEGER NOT NULL
                );
                CREATE INDEX webhook_delivery_by_subscription ON webhook_delivery(subscription, id);

                -- An event remembers the request that recorded it; a retry finds it instead of recording twice.
                ALTER TABLE event ADD COLUMN request_id TEXT;
                CREATE UNIQUE INDEX event_by_request ON event(request_id) WHERE request_id IS NOT NULL;

                CREATE TABLE stored_response (
                    request_id TEXT PRIMARY KEY,
                    fingerprint TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL
                ) WITHOUT ROWID;
                """)
    }

    /// The length of a product's GS1 Company Prefix, for writing its units as EPCs.
    private static func v0003(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE product ADD COLUMN company_prefix_length INTEGER")
    }

    /// The expiry date a GS1 label carries (AI 17), kept on the unit.
    private static func v0002(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE unit ADD COLUMN expiry TEXT")
    }

    private static func v0001(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE product (
                    sku TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    gtin TEXT UNIQUE,
                    tracking TEXT NOT NULL,
                    warranty_months INTEGER,
                    warranty_basis TEXT,
                    serial_template TEXT NOT NULL,
                    next_serial INTEGER NOT NULL DEFAULT 1,
                    attributes TEXT
                );

                -- path is '/ROOT/CHILD/…/CODE/': a location's subtree is every path starting with its own.
                CREATE TABLE location (
                    code TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    parent TEXT REFERENCES location(code),
                    path TEXT NOT NULL UNIQUE
                );

                CREATE TABLE unit (
                    id INTEGER PRIMARY KEY,
                    sku TEXT NOT NULL REFERENCES product(sku),
                    serial TEXT NOT NULL,
                    status TEXT NOT NULL,
                    location TEXT NOT NULL REFERENCES location(code),
                    destination TEXT,
                    owner TEXT,
                    lot TEXT,
                    aliases TEXT,
                    attributes TEXT,
                    version INTEGER NOT NULL,
                    UNIQUE (sku, serial)
                );
                CREATE INDEX unit_by_location ON unit(location, status);
                CREATE INDEX unit_by_serial ON unit(serial);
                CREATE INDEX unit_stock ON unit(sku, location, status);

                CREATE TABLE alias (
                    value TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    unit_id INTEGER NOT NULL REFERENCES unit(id)
                ) WITHOUT ROWID;
                CREATE INDEX alias_by_unit ON alias(unit_id);

                CREATE TABLE unit_attribute (
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    unit_id INTEGER NOT NULL REFERENCES unit(id),
                    PRIMARY KEY (key, value, unit_id)
                ) WITHOUT ROWID;
                CREATE INDEX unit_attribute_by_unit ON unit_attribute(unit_id);

                -- The ledger. header is the event without its units; each unit's line is a row of event_unit.
                CREATE TABLE event (
                    sequence INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    occurred_ms INTEGER NOT NULL,
                    header TEXT NOT NULL,
                    unit_count INTEGER NOT NULL,
                    hash BLOB NOT NULL
                );
                CREATE INDEX event_by_time ON event(occurred_ms);

                CREATE TABLE event_unit (
                    sequence INTEGER NOT NULL REFERENCES event(sequence),
                    line INTEGER NOT NULL,
                    unit_id INTEGER NOT NULL REFERENCES unit(id),
                    detail TEXT,
                    PRIMARY KEY (sequence, line)
                ) WITHOUT ROWID;
                CREATE INDEX event_unit_by_unit ON event_unit(unit_id, sequence);

                -- The ledger is append-only: the store refuses to change or remove an event.
                CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
                CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
                CREATE TRIGGER event_unit_no_update BEFORE UPDATE ON event_unit
                    BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
                CREATE TRIGGER event_unit_no_delete BEFORE DELETE ON event_unit
                    BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
                """)
        for location in Location.builtIns {
            try db.execute(
                sql: "INSERT INTO location (code, name, kind, parent, path) VALUES (?, ?, ?, NULL, ?)",
                arguments: [location.code, location.name, location.kind.rawValue, "/\(location.code)/"])
        }
    }
}
