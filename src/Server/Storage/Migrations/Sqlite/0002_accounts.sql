-- Homes, people and tokens. Secrets are stored only as SHA-256 hashes (tokens, ≥ 256 random bits) or
-- PasswordHasher hashes (passwords). Instants are INTEGER microseconds since the Unix epoch (UTC).
CREATE TABLE devices (
    device_id              TEXT    PRIMARY KEY,
    name                   TEXT    NOT NULL,
    timezone               TEXT,
    grid_area              TEXT,
    tariff_eur_per_kw_year TEXT,
    vat_pct                TEXT,
    goal_peak_w            INTEGER,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE device_tokens (
    id           INTEGER PRIMARY KEY,
    device_id    TEXT    NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,
    label        TEXT    NOT NULL,
    token_hash   BLOB    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE UNIQUE INDEX device_tokens_live_label ON device_tokens (device_id, label) WHERE revoked_at IS NULL;

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    is_admin       INTEGER NOT NULL DEFAULT 0,
    security_stamp TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);

-- No foreign key to devices: a grant may name a device configured by DEVICE_TOKENS only.
CREATE TABLE grants (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id TEXT    NOT NULL,
    role      TEXT    NOT NULL CHECK (role IN ('owner', 'viewer')),
    PRIMARY KEY (user_id, device_id)
) WITHOUT ROWID;

CREATE TABLE user_api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT    NOT NULL,
    token_hash   BLOB    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE UNIQUE INDEX user_api_tokens_live_label ON user_api_tokens (user_id, label) WHERE revoked_at IS NULL;

-- Failed sign-ins per normalized username, whether or not such a user exists (no enumeration by lockout).
CREATE TABLE sign_in_failures (
    username_key TEXT    PRIMARY KEY,
    failures     INTEGER NOT NULL,
    first_at     INTEGER NOT NULL,
    locked_until INTEGER
) WITHOUT ROWID;

-- Capacity tariffs per grid area and validity (valid_to exclusive, ISO dates); a month is costed at the tariff valid on its first day.
CREATE TABLE grid_tariffs (
    grid_area       TEXT NOT NULL,
    valid_from      TEXT NOT NULL,
    valid_to        TEXT NOT NULL,
    eur_per_kw_year TEXT NOT NULL,
    PRIMARY KEY (grid_area, valid_from),
    CHECK (valid_to > valid_from)
) WITHOUT ROWID;
INSERT INTO grid_tariffs (grid_area, valid_from, valid_to, eur_per_kw_year) VALUES
    ('antwerpen',        '2026-01-01', '2027-01-01', '49.40'),
    ('hallevilvoorde',   '2026-01-01', '2027-01-01', '56.04'),
    ('imewo',            '2026-01-01', '2027-01-01', '54.20'),
    ('kempen',           '2026-01-01', '2027-01-01', '56.21'),
    ('limburg',          '2026-01-01', '2027-01-01', '49.05'),
    ('middenvlaanderen', '2026-01-01', '2027-01-01', '50.12'),
    ('west',             '2026-01-01', '2027-01-01', '57.10'),
    ('zennedijle',       '2026-01-01', '2027-01-01', '56.12');

-- ASP.NET Core data-protection keys (cookies, antiforgery), shared by restarts.
CREATE TABLE data_protection_keys (
    friendly_name TEXT PRIMARY KEY,
    xml           TEXT NOT NULL
) WITHOUT ROWID;
