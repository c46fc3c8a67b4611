// The team a model belongs to is decided twice: in TypeScript for a row read (ownerTeamOfModelInfo) and in SQL for a
// list (model_admin_graphql_model_team). Over every odd shape a proxy, an older proxy or a hand edit can leave in
// model_info (and in an audit snapshot), both decide alike.
import { ownerTeamOfModelInfo, ownerTeamOfSnapshot } from '../../../src/models/ownerTeam';
import { SQL_FUNCTIONS } from '../../../src/database/schema/sqlFunctions';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';

/** model_info values as jsonb literals (SQL text), from the ordinary to the broken. */
const MODEL_INFOS: [string, string | null][] = [
  ['no model_info', null],
  ['JSON null', `'null'`],
  ['an object without team_id', `'{"id": "m"}'`],
  ['a team', `'{"team_id": "team-a"}'`],
  ['team_id null', `'{"team_id": null}'`],
  ['team_id ""', `'{"team_id": ""}'`],
  ['team_id a number', `'{"team_id": 7}'`],
  ['team_id true', `'{"team_id": true}'`],
  ['team_id an object', `'{"team_id": {"id": "team-a"}}'`],
  ['team_id a list', `'["team-a"]'`],
  ['a number', `'42'`],
  ['a JSON-encoded object with a team', `to_jsonb('{"team_id": "team-b"}'::text)`],
  ['a JSON-encoded object with white space around it', `to_jsonb(E' \\n{"team_id": "team-b"}\\t'::text)`],
  ['a JSON-encoded object behind a no-break space', `to_jsonb(E'\\u00a0{"team_id": "team-b"}'::text)`],
  ['a JSON-encoded object with a NUL escape', `to_jsonb('{"team_id": "team-b", "x": "\\u0000"}'::text)`],
  ['a JSON-encoded object with a lone surrogate escape', `to_jsonb('{"team_id": "team-b", "x": "\\ud800"}'::text)`],
  ['a JSON-encoded team_id number', `to_jsonb('{"team_id": 9}'::text)`],
  ['a JSON-encoded null', `to_jsonb('null'::text)`],
  ['a JSON-encoded string', `to_jsonb('"team-b"'::text)`],
  ['a JSON-encoded JSON-encoded object', `to_jsonb('"{\\"team_id\\": \\"team-b\\"}"'::text)`],
  ['a Python repr', `to_jsonb($$ {'team_id': 'team-b'} $$::text)`],
  ['"not json"', `to_jsonb('not json'::text)`],
  ['an empty string', `to_jsonb(''::text)`],
];

describe.each(testDatabaseKinds())('the owner team in TypeScript and SQL, on %s', (kind) => {
  const handle = serverForEachFile(kind);

  it.each(MODEL_INFOS)('decides alike for %s', async (_shape, literal) => {
    const value = `(${literal ?? 'NULL'})::jsonb`;
    const [row] = await handle.server.sql<{ stored: unknown; team: string | null }>(
      `SELECT (${value}) AS stored, ${SQL_FUNCTIONS.modelOwnerTeam}(${value}) AS team`,
    );
    expect(ownerTeamOfModelInfo(row.stored)).toBe(row.team);
  });

  it.each(MODEL_INFOS)('decides alike for an audit snapshot whose model_info is %s', async (_shape, literal) => {
    const snapshot = literal === null ? `jsonb_build_object('model_id', 'm')` : `jsonb_build_object('model_id', 'm', 'model_info', (${literal})::jsonb)`;
    const encoded = `to_jsonb((${snapshot})::text)`;
    const [row] = await handle.server.sql<{ stored: unknown; team: string | null; encoded: unknown; encodedTeam: string | null }>(
      `SELECT ${snapshot} AS stored, ${SQL_FUNCTIONS.snapshotOwnerTeam}(${snapshot}) AS team,
              ${encoded} AS encoded, ${SQL_FUNCTIONS.snapshotOwnerTeam}(${encoded}) AS "encodedTeam"`,
    );
    expect(ownerTeamOfSnapshot(row.stored)).toBe(row.team);
    expect(ownerTeamOfSnapshot(row.encoded)).toBe(row.encodedTeam);
  });

  it('reads the ordinary shapes as expected: a team, no team, and undetermined as the empty string', async () => {
    const [row] = await handle.server.sql<Record<string, string | null>>(
      `SELECT ${SQL_FUNCTIONS.modelOwnerTeam}('{"team_id": "t"}'::jsonb) AS team, ${SQL_FUNCTIONS.modelOwnerTeam}('{}'::jsonb) AS none,
              ${SQL_FUNCTIONS.modelOwnerTeam}('{"team_id": 7}'::jsonb) AS undetermined`,
    );
    expect(row).toEqual({ team: 't', none: null, undetermined: '' });
  });
});
