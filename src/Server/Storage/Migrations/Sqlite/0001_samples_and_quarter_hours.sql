-- Instants are stored as INTEGER microseconds since the Unix epoch (UTC), the resolution PostgreSQL keeps.
CREATE TABLE samples (
    device_id             TEXT    NOT NULL,
    ts                    INTEGER NOT NULL,
    power_w               INTEGER NOT NULL,
    import_power_w        INTEGER NOT NULL,
    energy_import_kwh     REAL    NOT NULL,
    energy_export_kwh     REAL    NOT NULL,
    average_power_15m_w   INTEGER,
    monthly_power_peak_w  INTEGER,
    monthly_power_peak_ts INTEGER,
    power_l1_w            INTEGER,
    power_l2_w            INTEGER,
    power_l3_w            INTEGER,
    gas_m3                REAL,
    gas_ts                INTEGER,
    PRIMARY KEY (device_id, ts)
) WITHOUT ROWID;

CREATE TABLE quarter_hours (
    device_id          TEXT    NOT NULL,
    start              INTEGER NOT NULL,
    sample_count       INTEGER NOT NULL,
    import_power_sum_w INTEGER NOT NULL,
    import_power_max_w INTEGER NOT NULL,
    power_sum_w        INTEGER NOT NULL,
    power_min_w        INTEGER NOT NULL,
    power_max_w        INTEGER NOT NULL,
    first_ts           INTEGER NOT NULL,
    first_import_kwh   REAL    NOT NULL,
    first_export_kwh   REAL    NOT NULL,
    last_ts            INTEGER NOT NULL,
    last_import_kwh    REAL    NOT NULL,
    last_export_kwh    REAL    NOT NULL,
    PRIMARY KEY (device_id, start)
) WITHOUT ROWID;
