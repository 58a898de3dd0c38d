-- When each device's edge last uploaded (an accepted ingest request), written at most every few seconds per
-- device and replica.
CREATE TABLE device_uploads (
    device_id      text COLLATE "C" PRIMARY KEY,
    last_upload_at timestamptz      NOT NULL
);
