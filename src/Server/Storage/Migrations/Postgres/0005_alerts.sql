-- Alert settings and channels per device; null falls back to the server-wide defaults (ALERTS_ENABLED, ...).
-- The channel secrets are needed in clear to sign or authorize a delivery, so they cannot be hashed; the API
-- never returns them.
ALTER TABLE devices
    ADD COLUMN alerts_enabled     boolean,
    ADD COLUMN alert_risk_pct     integer,
    ADD COLUMN alert_no_data_min  integer,
    ADD COLUMN ntfy_url           text,
    ADD COLUMN ntfy_token         text,
    ADD COLUMN webhook_url        text,
    ADD COLUMN webhook_secret     text;

-- The alert outbox: one row per device, kind and quarter, so replicas evaluating the same device insert it once.
CREATE TABLE alerts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id     text COLLATE "C" NOT NULL,
    kind          text COLLATE "C" NOT NULL,
    quarter_start timestamptz      NOT NULL,
    created_at    timestamptz      NOT NULL,
    -- Past this instant the alert is no longer worth sending (an at-risk warning after its quarter).
    expires_at    timestamptz,
    payload       text             NOT NULL,
    UNIQUE (device_id, kind, quarter_start)
);
CREATE INDEX alerts_device_recent ON alerts (device_id, created_at DESC);

-- One delivery per alert and channel; the worker claims due rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE alert_deliveries (
    alert_id     bigint      NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    channel      text COLLATE "C" NOT NULL,
    state        text COLLATE "C" NOT NULL CHECK (state IN ('pending', 'delivered', 'dropped')),
    attempts     integer     NOT NULL DEFAULT 0,
    next_attempt timestamptz NOT NULL,
    last_error   text,
    delivered_at timestamptz,
    PRIMARY KEY (alert_id, channel)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt) WHERE state = 'pending';
