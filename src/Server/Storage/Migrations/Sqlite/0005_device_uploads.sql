-- When each device's edge last uploaded (an accepted ingest request), written at most every few seconds per
-- device and replica. Instants are INTEGER microseconds since the Unix epoch (UTC).
CREATE TABLE device_uploads (
    device_id      TEXT    PRIMARY KEY,
    last_upload_at INTEGER NOT NULL
) WITHOUT ROWID;
