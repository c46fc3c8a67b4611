// SQL functions of ours, created by a migration: reading the proxy's JSON columns safely inside a query. Older
// proxies stored some JSON columns as a JSON-encoded string; a cast of such a string that is not JSON (a Python repr,
// a stray character) would fail the whole statement, so the cast is caught here, row by row.

export const SQL_FUNCTIONS = {
  /** The JSON value, or the one a JSON-encoded string holds; NULL when that string is not JSON. */
  decodedJson: 'model_admin_graphql_decoded_json',
  /** A model's owning team from its model_info: NULL for none, the id, or '' when it cannot be determined. */
  modelOwnerTeam: 'model_admin_graphql_model_team',
  /** The owning team of the model an audit snapshot (a whole row, maybe JSON-encoded) shows. */
  snapshotOwnerTeam: 'model_admin_graphql_snapshot_team',
} as const;

export const SQL_FUNCTION_DEFINITIONS: string[] = [
  `CREATE OR REPLACE FUNCTION ${SQL_FUNCTIONS.decodedJson}(value jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF value IS NULL OR jsonb_typeof(value) <> 'string' THEN RETURN value; END IF;
  BEGIN
    RETURN (value #>> '{}')::jsonb;
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END;
END $$`,
  // Mirrored by ownerTeamOfModelInfo (src/models/ownerTeam.ts); a test runs both over the same odd rows.
  `CREATE OR REPLACE FUNCTION ${SQL_FUNCTIONS.modelOwnerTeam}(model_info jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  info jsonb := ${SQL_FUNCTIONS.decodedJson}(model_info);
  team jsonb;
BEGIN
  IF model_info IS NULL OR jsonb_typeof(model_info) = 'null' THEN RETURN NULL; END IF;
  IF info IS NULL OR jsonb_typeof(info) <> 'object' THEN RETURN ''; END IF;
  team := info -> 'team_id';
  IF team IS NULL OR jsonb_typeof(team) = 'null' THEN RETURN NULL; END IF;
  IF jsonb_typeof(team) = 'string' AND (team #>> '{}') <> '' THEN RETURN team #>> '{}'; END IF;
  RETURN '';
END $$`,
  `CREATE OR REPLACE FUNCTION ${SQL_FUNCTIONS.snapshotOwnerTeam}(snapshot jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  row_value jsonb := ${SQL_FUNCTIONS.decodedJson}(snapshot);
BEGIN
  IF snapshot IS NULL OR jsonb_typeof(snapshot) = 'null' THEN RETURN NULL; END IF;
  IF row_value IS NULL OR jsonb_typeof(row_value) <> 'object' THEN RETURN ''; END IF;
  RETURN ${SQL_FUNCTIONS.modelOwnerTeam}(row_value -> 'model_info');
END $$`,
];
