-- Homes, people and tokens. Secrets are stored only as SHA-256 hashes (tokens, ≥ 256 random bits) or
-- PasswordHasher hashes (passwords).
CREATE TABLE devices (
    device_id              text COLLATE "C" PRIMARY KEY,
    name                   text        NOT NULL,
    timezone               text,
    grid_area              text,
    tariff_eur_per_kw_year numeric(10, 4),
    vat_pct                numeric(6, 3),
    goal_peak_w            integer,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);

CREATE TABLE device_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id    text COLLATE "C" NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,
    label        text        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX device_tokens_live_label ON device_tokens (device_id, label) WHERE revoked_at IS NULL;

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       text COLLATE "C" NOT NULL UNIQUE,
    password_hash  text        NOT NULL,
    is_admin       boolean     NOT NULL DEFAULT false,
    security_stamp text        NOT NULL,
    created_at     timestamptz NOT NULL
);

-- No foreign key to devices: a grant may name a device configured by DEVICE_TOKENS only.
CREATE TABLE grants (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id text COLLATE "C" NOT NULL,
    role      text   NOT NULL CHECK (role IN ('owner', 'viewer')),
    PRIMARY KEY (user_id, device_id)
);

CREATE TABLE user_api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        text        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX user_api_tokens_live_label ON user_api_tokens (user_id, label) WHERE revoked_at IS NULL;

-- Failed sign-ins per normalized username, whether or not such a user exists (no enumeration by lockout).
CREATE TABLE sign_in_failures (
    username_key text COLLATE "C" PRIMARY KEY,
    failures     integer     NOT NULL,
    first_at     timestamptz NOT NULL,
    locked_until timestamptz
);

-- Capacity tariffs per grid area and validity (valid_to exclusive); a month is costed at the tariff valid on its first day.
CREATE TABLE grid_tariffs (
    grid_area      text COLLATE "C" NOT NULL,
    valid_from     date           NOT NULL,
    valid_to       date           NOT NULL,
    eur_per_kw_year numeric(10, 4) NOT NULL,
    PRIMARY KEY (grid_area, valid_from),
    CHECK (valid_to > valid_from)
);
INSERT INTO grid_tariffs (grid_area, valid_from, valid_to, eur_per_kw_year) VALUES
    ('antwerpen',        '2026-01-01', '2027-01-01', 49.40),
    ('hallevilvoorde',   '2026-01-01', '2027-01-01', 56.04),
    ('imewo',            '2026-01-01', '2027-01-01', 54.20),
    ('kempen',           '2026-01-01', '2027-01-01', 56.21),
    ('limburg',          '2026-01-01', '2027-01-01', 49.05),
    ('middenvlaanderen', '2026-01-01', '2027-01-01', 50.12),
    ('west',             '2026-01-01', '2027-01-01', 57.10),
    ('zennedijle',       '2026-01-01', '2027-01-01', 56.12);

-- ASP.NET Core data-protection keys (cookies, antiforgery), shared by restarts and replicas.
CREATE TABLE data_protection_keys (
    friendly_name text COLLATE "C" PRIMARY KEY,
    xml           text NOT NULL
);
