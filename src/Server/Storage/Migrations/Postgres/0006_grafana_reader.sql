-- p1_grafana_reader: a NOLOGIN group role for dashboards (Grafana) that may read the measurements and
-- settings and nothing else: no token, password, session-key or sign-in table, and no writes. A login user
-- gets it with `GRANT p1_grafana_reader TO grafana` (deploy/grafana/grafana-login.sql does that in Compose).
-- Roles belong to the whole cluster, so it is created once and every database grants to it. A migrating
-- user without CREATEROLE skips this with a warning unless an administrator created the role beforehand.
-- No default privileges: a table added later stays unreadable until a migration grants it explicitly.
DO $migration$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'p1_grafana_reader') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
            RAISE WARNING 'p1_grafana_reader was not created: % may not create roles; an administrator creates it (NOLOGIN) and runs the grants of migration 0006', current_user;
            RETURN;
        END IF;
        BEGIN
            CREATE ROLE p1_grafana_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            -- Another database of the cluster migrated at the same moment.
            NULL;
        END;
    END IF;

    EXECUTE format('GRANT USAGE ON SCHEMA %I TO p1_grafana_reader', current_schema());
    GRANT SELECT ON samples, quarter_hours, devices, meter_peaks, meter_states, grid_tariffs TO p1_grafana_reader;
END
$migration$;
