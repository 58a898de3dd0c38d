-- Creates (or updates the password of) the login user `grafana` and gives it the read-only role
-- p1_grafana_reader, nothing else. Run with psql as the database owner after `p1-server migrate`:
--   psql -v ON_ERROR_STOP=1 -v password="$GRAFANA_DB_PASSWORD" -f grafana-login.sql
-- The Compose service grafana-login does that.
SELECT 'CREATE ROLE grafana LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana')
\gexec
ALTER ROLE grafana WITH LOGIN PASSWORD :'password';
GRANT p1_grafana_reader TO grafana;
-- Grafana's connections stay cheap and cannot pin the server with endless queries.
ALTER ROLE grafana SET statement_timeout = '30s';
ALTER ROLE grafana CONNECTION LIMIT 10;
