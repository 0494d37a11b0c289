#!/usr/bin/env bash
# Run once by the postgres image when the cluster is created (docker-entrypoint-initdb.d), and
# by the tests against a throwaway cluster: the role the API server runs as. It owns nothing, so
# it cannot alter a table, drop one or switch off the ledger's append-only triggers; it may read
# and write rows of every table the owner ($POSTGRES_USER, who runs the migrations) creates.
# The password is passed as a psql variable, never pasted into SQL or a URL.
set -euo pipefail
: "${POSTGRES_USER:?}" "${POSTGRES_DB:?}" "${CANGLONG_APP_PASSWORD:?set CANGLONG_APP_PASSWORD}"
app_role="${CANGLONG_APP_ROLE:-canglong_app}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role="$app_role" -v app_password="$CANGLONG_APP_PASSWORD" -v owner="$POSTGRES_USER" <<'SQL'
CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
SQL
