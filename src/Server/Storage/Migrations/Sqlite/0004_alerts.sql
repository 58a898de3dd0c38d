-- Alert settings and channels per device; null falls back to the server-wide defaults (ALERTS_ENABLED, ...).
-- The channel secrets are needed in clear to sign or authorize a delivery, so they cannot be hashed; the API
-- never returns them.
ALTER TABLE devices ADD COLUMN alerts_enabled INTEGER;
ALTER TABLE devices ADD COLUMN alert_risk_pct INTEGER;
ALTER TABLE devices ADD COLUMN alert_no_data_min INTEGER;
ALTER TABLE devices ADD COLUMN ntfy_url TEXT;
ALTER TABLE devices ADD COLUMN ntfy_token TEXT;
ALTER TABLE devices ADD COLUMN webhook_url TEXT;
ALTER TABLE devices ADD COLUMN webhook_secret TEXT;

-- The alert outbox: one row per device, kind and quarter, so that evaluations racing each other insert it once.
-- Instants are INTEGER microseconds since the Unix epoch (UTC).
CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    device_id     TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    quarter_start INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    payload       TEXT    NOT NULL,
    UNIQUE (device_id, kind, quarter_start)
);
CREATE INDEX alerts_device_recent ON alerts (device_id, created_at DESC);

-- One delivery per alert and channel.
CREATE TABLE alert_deliveries (
    alert_id     INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    channel      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dropped')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_error   TEXT,
    delivered_at INTEGER,
    PRIMARY KEY (alert_id, channel)
) WITHOUT ROWID;
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt) WHERE state = 'pending';
