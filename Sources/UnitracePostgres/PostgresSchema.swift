import Foundation
import UnitraceCore

/// The PostgreSQL schema: the same migrations, with the same identifiers, as the SQLite engine's, written
/// in PostgreSQL's dialect. Append only.
enum PostgresSchema {
    static let migrations: [(id: String, sql: String)] = [
        (
            "0001_ledger_and_catalogue",
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE product (
                sku TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                gtin TEXT UNIQUE,
                tracking TEXT NOT NULL,
                warranty_months INTEGER,
                warranty_basis TEXT,
                serial_template TEXT NOT NULL,
                next_serial BIGINT NOT NULL DEFAULT 1,
                attributes TEXT
            );
            CREATE TABLE location (
                code TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                parent TEXT REFERENCES location(code),
                path TEXT NOT NULL UNIQUE
            );
            CREATE TABLE unit (
                id BIGSERIAL PRIMARY KEY,
                sku TEXT NOT NULL REFERENCES product(sku),
                serial TEXT NOT NULL,
                status TEXT NOT NULL,
                location TEXT NOT NULL REFERENCES location(code),
                destination TEXT,
                owner TEXT,
                lot TEXT,
                aliases TEXT,
                attributes TEXT,
                version BIGINT NOT NULL,
                UNIQUE (sku, serial)
            );
            CREATE INDEX unit_by_location ON unit(location, status);
            CREATE INDEX unit_by_serial ON unit(serial);
            CREATE INDEX unit_stock ON unit(sku, location, status);
            CREATE TABLE alias (
                value TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                unit_id BIGINT NOT NULL REFERENCES unit(id)
            );
            CREATE INDEX alias_by_unit ON alias(unit_id);
            CREATE TABLE unit_attribute (
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                unit_id BIGINT NOT NULL REFERENCES unit(id),
                PRIMARY KEY (key, value, unit_id)
            );
            CREATE INDEX unit_attribute_by_unit ON unit_attribute(unit_id);
            CREATE TABLE event (
                sequence BIGINT PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                occurred_ms BIGINT NOT NULL,
                header TEXT NOT NULL,
                unit_count INTEGER NOT NULL,
                hash BYTEA NOT NULL
            );
            CREATE INDEX event_by_time ON event(occurred_ms);
            CREATE TABLE event_unit (
                sequence BIGINT NOT NULL REFERENCES event(sequence),
                line INTEGER NOT NULL,
                unit_id BIGINT NOT NULL REFERENCES unit(id),
                detail TEXT,
                PRIMARY KEY (sequence, line)
            );
            CREATE INDEX event_unit_by_unit ON event_unit(unit_id, sequence);
            -- The end of each chain. Today one chain, 'main', holds the whole ledger; the row is locked first by
            -- every commit, so appends are serialized across connections and processes, sequences stay
            -- gap-free and each hash follows the one before. Keyed by chain so that a partitioned ledger (one
            -- chain per tenant or site, see docs/architecture.md) adds rows, not a new design.
            CREATE TABLE ledger_head (
                chain TEXT PRIMARY KEY,
                sequence BIGINT NOT NULL,
                hash BYTEA NOT NULL
            );
            INSERT INTO ledger_head (chain, sequence, hash) VALUES ('main', 0, decode(repeat('00', 32), 'hex'));
            CREATE FUNCTION unitrace_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'events are immutable'; END $$;
            CREATE TRIGGER event_immutable BEFORE UPDATE OR DELETE ON event
                FOR EACH ROW EXECUTE FUNCTION unitrace_refuse_change();
            CREATE TRIGGER event_unit_immutable BEFORE UPDATE OR DELETE ON event_unit
                FOR EACH ROW EXECUTE FUNCTION unitrace_refuse_change();
            CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event
                FOR EACH STATEMENT EXECUTE FUNCTION unitrace_refuse_change();
            CREATE TRIGGER event_unit_no_truncate BEFORE TRUNCATE ON event_unit
                FOR EACH STATEMENT EXECUTE FUNCTION unitrace_refuse_change();

            """
                + Location.builtIns.map {
                    "INSERT INTO location (code, name, kind, parent, path) VALUES ('\($0.code)', '\($0.name)', '\($0.kind.rawValue)', NULL, '/\($0.code)/');"
                }.joined(separator: "\n")
        ),
        ("0002_unit_expiry", "ALTER TABLE unit ADD COLUMN expiry TEXT;"),
        ("0003_product_company_prefix", "ALTER TABLE product ADD COLUMN company_prefix_length INTEGER;"),
        (
            "0004_keys_webhooks_requests",
            """
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
            CREATE TABLE webhook_outbox (
                id BIGSERIAL PRIMARY KEY,
                subscription TEXT NOT NULL REFERENCES webhook_subscription(id) ON DELETE CASCADE,
                sequence BIGINT NOT NULL REFERENCES event(sequence),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_ms BIGINT NOT NULL
            );
            CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_ms);
            CREATE TABLE webhook_delivery (
                id BIGSERIAL PRIMARY KEY,
                subscription TEXT NOT NULL,
                sequence BIGINT NOT NULL,
                attempt INTEGER NOT NULL,
                at TEXT NOT NULL,
                status INTEGER,
                error TEXT,
                delivered BOOLEAN NOT NULL
            );
            CREATE INDEX webhook_delivery_by_subscription ON webhook_delivery(subscription, id);
            ALTER TABLE event ADD COLUMN request_id TEXT;
            CREATE UNIQUE INDEX event_by_request ON event(request_id) WHERE request_id IS NOT NULL;
            CREATE TABLE stored_response (
                request_id TEXT PRIMARY KEY,
                fingerprint TEXT NOT NULL,
                status INTEGER NOT NULL,
                body BYTEA NOT NULL
            );
            """
        ),
        ("0005_webhook_head", "ALTER TABLE webhook_subscription ADD COLUMN head_every_s INTEGER;"),
        (
            "0006_identifier_index",
            """
            CREATE TABLE event_identifier (
                identifier TEXT NOT NULL,
                sequence BIGINT NOT NULL REFERENCES event(sequence),
                PRIMARY KEY (identifier, sequence)
            );
            CREATE INDEX event_identifier_by_sequence ON event_identifier(sequence);
            """
        ),
        (
            "0007_stock",
            """
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
            );
            CREATE TABLE stock_level (
                sku TEXT NOT NULL,
                lot TEXT NOT NULL,
                location TEXT NOT NULL,
                state TEXT NOT NULL,
                quantity BIGINT NOT NULL CHECK (quantity > 0),
                expiry TEXT NOT NULL,
                PRIMARY KEY (sku, lot, location, state)
            );
            CREATE INDEX stock_level_pick ON stock_level(sku, state, expiry, lot, location);
            CREATE INDEX stock_level_expiry ON stock_level(expiry);
            CREATE TABLE sales_day (
                sku TEXT NOT NULL,
                day TEXT NOT NULL,
                location TEXT NOT NULL,
                channel TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                PRIMARY KEY (sku, day, location, channel)
            );
            CREATE INDEX sales_day_by_day ON sales_day(day);
            CREATE TABLE reorder_rule (
                sku TEXT NOT NULL REFERENCES product(sku),
                location TEXT NOT NULL REFERENCES location(code),
                point BIGINT NOT NULL,
                quantity BIGINT NOT NULL,
                PRIMARY KEY (sku, location)
            );
            """
        ),
        (
            "0008_holds",
            """
            CREATE TABLE hold (
                id TEXT PRIMARY KEY,
                party TEXT NOT NULL,
                sku TEXT NOT NULL REFERENCES product(sku),
                serial TEXT,
                lot TEXT,
                location TEXT,
                quantity BIGINT,
                until TEXT NOT NULL,
                until_ms BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                actor TEXT NOT NULL,
                closed_at TEXT,
                outcome TEXT
            );
            CREATE INDEX hold_open ON hold(sku, until_ms) WHERE closed_at IS NULL;
            CREATE INDEX stock_level_pick_at ON stock_level(sku, location, state, expiry, lot);
            CREATE TABLE unit_count (
                sku TEXT NOT NULL,
                location TEXT NOT NULL,
                status TEXT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (sku, location, status)
            );
            INSERT INTO unit_count (sku, location, status, count)
                SELECT sku, location, status, count(*) FROM unit GROUP BY sku, location, status;
            """
        ),
        (
            "0009_counts",
            """
            CREATE TABLE stock_count (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                opened_at TEXT NOT NULL,
                closed_at TEXT,
                approved_at TEXT,
                count TEXT NOT NULL
            );
            CREATE TABLE count_expected (
                count_id TEXT PRIMARY KEY REFERENCES stock_count(id),
                expected TEXT NOT NULL
            );
            CREATE TABLE count_scan (
                count_id TEXT NOT NULL REFERENCES stock_count(id),
                n INTEGER NOT NULL,
                scan TEXT NOT NULL,
                PRIMARY KEY (count_id, n)
            );
            """
        ),
        (
            "0010_notices_and_transfers",
            """
            CREATE TABLE ship_notice (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                created_at TEXT NOT NULL,
                body TEXT NOT NULL
            );
            CREATE TABLE stock_transfer (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                created_at TEXT NOT NULL,
                body TEXT NOT NULL
            );
            CREATE INDEX stock_transfer_state ON stock_transfer(state, created_at);
            CREATE TABLE notice_scan (
                notice_id TEXT NOT NULL REFERENCES ship_notice(id),
                n INTEGER NOT NULL,
                scan TEXT NOT NULL,
                PRIMARY KEY (notice_id, n)
            );
            """
        ),
        (
            "0011_containers",
            """
            ALTER TABLE unit ADD COLUMN container TEXT;
            CREATE INDEX unit_by_container ON unit(container) WHERE container IS NOT NULL;
            CREATE TABLE container (
                sscc TEXT PRIMARY KEY,
                parent TEXT,
                location TEXT NOT NULL,
                destination TEXT,
                version BIGINT NOT NULL
            );
            CREATE INDEX container_by_parent ON container(parent) WHERE parent IS NOT NULL;
            CREATE TABLE container_quantity (
                sscc TEXT NOT NULL,
                sku TEXT NOT NULL,
                lot TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                PRIMARY KEY (sscc, sku, lot)
            );
            """
        ),
        (
            "0012_genealogy",
            """
            ALTER TABLE unit ADD COLUMN parent TEXT;
            CREATE INDEX unit_by_lot ON unit(sku, lot) WHERE lot IS NOT NULL;
            CREATE TABLE assembly_link (
                child_sku TEXT NOT NULL,
                child_serial TEXT NOT NULL,
                installed_seq BIGINT NOT NULL,
                parent_sku TEXT NOT NULL,
                parent_serial TEXT NOT NULL,
                installed_ms BIGINT NOT NULL,
                removed_seq BIGINT,
                removed_ms BIGINT,
                PRIMARY KEY (child_sku, child_serial, installed_seq)
            );
            CREATE INDEX assembly_by_parent ON assembly_link(parent_sku, parent_serial);
            CREATE TABLE production_run (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                created_at TEXT NOT NULL,
                body TEXT NOT NULL
            );
            CREATE TABLE recall (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                created_at TEXT NOT NULL,
                body TEXT NOT NULL
            );
            CREATE TABLE recall_unit (
                recall_id TEXT NOT NULL,
                sku TEXT NOT NULL,
                serial TEXT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (recall_id, sku, serial)
            );
            CREATE INDEX recall_unit_by_unit ON recall_unit(sku, serial);
            """
        ),
        (
            "0013_outermost",
            """
            ALTER TABLE unit ADD COLUMN root_id BIGINT;
            ALTER TABLE unit ADD COLUMN root_since BIGINT;
            DROP INDEX unit_by_lot;
            CREATE INDEX unit_by_lot ON unit(sku, lot, root_id) WHERE lot IS NOT NULL;
            CREATE INDEX unit_by_root ON unit(root_id) WHERE root_id IS NOT NULL;
            CREATE TABLE outermost_spell (
                unit_id BIGINT NOT NULL,
                sku TEXT NOT NULL,
                lot TEXT,
                root_id BIGINT NOT NULL,
                since_ms BIGINT NOT NULL,
                until_ms BIGINT NOT NULL
            );
            CREATE INDEX spell_by_unit ON outermost_spell(unit_id);
            CREATE INDEX spell_by_lot ON outermost_spell(sku, lot) WHERE lot IS NOT NULL;
            """
        ),
        (
            "0014_lot_inputs",
            """
            ALTER TABLE lot ADD COLUMN inputs TEXT;
            CREATE TABLE lot_input (
                input_sku TEXT NOT NULL,
                input_lot TEXT NOT NULL,
                sku TEXT NOT NULL,
                code TEXT NOT NULL,
                PRIMARY KEY (input_sku, input_lot, sku, code)
            );
            """
        ),
    ]

    /// A migration's statements, one by one: the extended query protocol takes one statement at a time.
    /// Statements end with a semicolon at the end of a line; one inside a function body does not.
    static func statements(_ sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
    }
}
