-- The meter's own monthly peaks (0-0:98.1.0), one row per device and local month; a re-sent month replaces its row.
-- Instants are INTEGER microseconds since the Unix epoch (UTC), as in samples.
CREATE TABLE meter_peaks (
    device_id   TEXT    NOT NULL,
    month       TEXT    NOT NULL,
    peak_w      INTEGER NOT NULL,
    peak_ts     INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, month)
) WITHOUT ROWID;

-- The latest stale-data signals an edge reported for its meter.
CREATE TABLE meter_states (
    device_id              TEXT    PRIMARY KEY,
    source                 TEXT,
    clock_stalled          INTEGER NOT NULL,
    belgian_fields_missing INTEGER NOT NULL,
    observed_at            INTEGER NOT NULL,
    received_at            INTEGER NOT NULL
) WITHOUT ROWID;
