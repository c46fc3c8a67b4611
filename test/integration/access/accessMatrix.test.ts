// Every cell of SPEC.md's "Who may do what" for models, blocking, stored credentials and the admin mutations, through real HTTP:
// one row per action, one column per kind of caller, the outcome asserted exactly.
import { randomUUID } from 'node:crypto';
import { TABLES } from '../../../src/database/tables';
import { addModel, createUser, keyWithRole, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY, type GraphqlResponse, type TestServer } from '../../support/testServer';

const CALLERS = ['proxyAdmin', 'viewer', 'teamAdmin', 'teamMember', 'noTeamUser', 'otherTeamAdmin', 'noKey', 'badKey'] as const;
type Caller = (typeof CALLERS)[number];

/**
 * allowed: the operation answers and takes effect. FORBIDDEN / UNAUTHENTICATED / NOT_FOUND: one error with
 * that code on the operation, and nothing changed. invisible: the model is absent as if it did not exist.
 * field FORBIDDEN: the model answers, its litellmParams is null with a FORBIDDEN error at that path.
 */
type Outcome = 'allowed' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'invisible' | 'field FORBIDDEN';

type Scope = 'no team' | 'team T';

interface World {
  server: TestServer;
  keys: Record<Caller, string | null>;
  teamId: string;
  /** A stored credential (LiteLLM_CredentialsTable) models may name. */
  credentialName: string;
  /** Models made once for the read-only rows. */
  shared: Record<Scope, { id: string; marker: string }>;
}

/** What a cell acts on: a model, user or team id or a credential name (and the unique name of a shared model). */
interface Subject {
  id: string;
  marker?: string;
}

interface Row {
  name: string;
  expected: Record<Caller, Outcome>;
  /** The operation's field in `data`. */
  field: string;
  /** Builds what the cell acts on; mutation rows build a fresh model per cell. */
  prepare(world: World): Promise<Subject>;
  act(world: World, key: string | null, subject: Subject): Promise<GraphqlResponse>;
  /** After an allowed cell: what it answered is right. */
  answered?(data: any, subject: Subject): void;
  /** After an allowed cell: the effect happened. */
  tookEffect?(world: World, subject: Subject): Promise<void>;
  /** What must be identical before and after a refused cell. */
  snapshot?(world: World, subject: Subject): Promise<unknown>;
}

/** A row's expected outcomes, written left to right in the SPEC's column order. */
function outcomes(...cells: [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]): Record<Caller, Outcome> {
  return Object.fromEntries(CALLERS.map((caller, index) => [caller, cells[index]])) as Record<Caller, Outcome>;
}

const PROVIDER_SECRET = 'sk-provider-0123456789';

const MODEL_SNAPSHOT = `query ($id: ID!) { model(id: $id) { id modelName publicModelName teamId blocked credentialName litellmParams modelInfo updatedAt updatedBy team { models } } }`;

async function modelAsAdmin(world: World, id: string): Promise<Record<string, any> | null> {
  const response = await world.server.graphql(MODEL_SNAPSHOT, { id });
  expect(response.errors).toBeUndefined();
  return response.data!.model;
}

function teamIdFor(world: World, scope: Scope): string | undefined {
  return scope === 'team T' ? world.teamId : undefined;
}

async function freshModel(world: World, scope: Scope): Promise<Subject> {
  const teamId = teamIdFor(world, scope);
  const model = await addModel(world.server, { modelInfo: teamId ? { team_id: teamId } : undefined });
  return { id: model.id };
}

function mutationRows(scope: Scope): Row[] {
  // Team T's own admin may change T's models; an admin of another team finds them missing (not FORBIDDEN,
  // which would confirm they exist), exactly as a random id.
  const change = scope === 'no team'
    ? outcomes('allowed', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'UNAUTHENTICATED')
    : outcomes('allowed', 'FORBIDDEN', 'allowed', 'FORBIDDEN', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'UNAUTHENTICATED');
  const add = scope === 'no team'
    ? change
    : outcomes('allowed', 'FORBIDDEN', 'allowed', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'UNAUTHENTICATED');
  const snapshot = (world: World, model: Subject) => modelAsAdmin(world, model.id);
  return [
    {
      name: `addModel with ${scope}`,
      expected: add,
      field: 'addModel',
      prepare: async () => ({ id: `matrix-${randomUUID()}` }),
      act: (world, key, { id }) => {
        const teamId = teamIdFor(world, scope);
        return world.server.graphql(
          'mutation ($input: AddModelInput!) { addModel(input: $input) { id teamId } }',
          { input: { modelName: 'gpt-4o', litellmParams: { model: 'openai/gpt-4o', api_key: PROVIDER_SECRET }, modelInfo: { id, ...(teamId ? { team_id: teamId } : {}) } } },
          key,
        );
      },
      tookEffect: async (world, { id }) => expect((await modelAsAdmin(world, id))?.teamId ?? null).toBe(teamIdFor(world, scope) ?? null),
      snapshot: async (world, { id }) => ({ model: await modelAsAdmin(world, id), team: await teamModelsOf(world) }),
    },
    {
      name: `updateModel of a model with ${scope}`,
      expected: change,
      field: 'updateModel',
      prepare: (world) => freshModel(world, scope),
      act: (world, key, { id }) =>
        world.server.graphql('mutation ($input: UpdateModelInput!) { updateModel(input: $input) { id } }', { input: { id, litellmParams: { api_base: 'https://changed.example' } } }, key),
      tookEffect: async (world, { id }) => expect((await modelAsAdmin(world, id))?.litellmParams.api_base).toBe('https://changed.example'),
      snapshot,
    },
    {
      name: `patchModel of a model with ${scope}`,
      expected: change,
      field: 'patchModel',
      prepare: (world) => freshModel(world, scope),
      act: (world, key, { id }) => world.server.graphql('mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "renamed" }) { id } }', { id }, key),
      tookEffect: async (world, { id }) => expect((await modelAsAdmin(world, id))?.publicModelName).toBe('renamed'),
      snapshot,
    },
    {
      name: `deleteModel of a model with ${scope}`,
      expected: change,
      field: 'deleteModel',
      prepare: (world) => freshModel(world, scope),
      act: (world, key, { id }) => world.server.graphql('mutation ($id: ID!) { deleteModel(id: $id) { id } }', { id }, key),
      tookEffect: async (world, { id }) => expect(await modelAsAdmin(world, id)).toBeNull(),
      snapshot: async (world, model) => ({ model: await snapshot(world, model), team: await teamModelsOf(world) }),
    },
  ];
}

/** Proxy admins only, whatever the model's team (SPEC: blockModel / unblockModel, attach/detach a stored credential). */
function proxyAdminOnlyRows(scope: Scope): Row[] {
  // An admin of another team gets through the @auth rule of patchModel (it manages a team) and then finds T's model
  // missing, as for every change; blockModel's rule refuses it before any model is looked at.
  const patchOutcome = (scope === 'no team'
    ? outcomes('allowed', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'UNAUTHENTICATED')
    : outcomes('allowed', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'UNAUTHENTICATED'));
  const blockOutcome = outcomes('allowed', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'UNAUTHENTICATED');
  const snapshot = (world: World, model: Subject) => modelAsAdmin(world, model.id);
  const setCredential = (world: World, key: string | null, id: string, name: string | null) =>
    world.server.graphql('mutation ($id: ID!, $params: JSON!) { patchModel(id: $id, patch: { litellmParams: $params }) { id } }', { id, params: { litellm_credential_name: name } }, key);
  return [
    {
      name: `blockModel of a model with ${scope}`,
      expected: blockOutcome,
      field: 'blockModel',
      prepare: (world) => freshModel(world, scope),
      act: (world, key, { id }) => world.server.graphql('mutation ($id: ID!) { blockModel(id: $id) { id blocked } }', { id }, key),
      answered: (data) => expect(data.blocked).toBe(true),
      tookEffect: async (world, { id }) => expect((await modelAsAdmin(world, id))?.blocked).toBe(true),
      snapshot,
    },
    {
      name: `unblockModel of a model with ${scope}`,
      expected: blockOutcome,
      field: 'unblockModel',
      prepare: async (world) => {
        const model = await freshModel(world, scope);
        expect((await world.server.graphql('mutation ($id: ID!) { blockModel(id: $id) { id } }', { id: model.id })).errors).toBeUndefined();
        return model;
      },
      act: (world, key, { id }) => world.server.graphql('mutation ($id: ID!) { unblockModel(id: $id) { id blocked } }', { id }, key),
      answered: (data) => expect(data.blocked).toBe(false),
      tookEffect: async (world, { id }) => expect((await modelAsAdmin(world, id))?.blocked).toBe(false),
      snapshot,
    },
    {
      name: `attaching a stored credential to a model with ${scope}`,
      expected: patchOutcome,
      field: 'patchModel',
      prepare: (world) => freshModel(world, scope),
      act: (world, key, { id }) => setCredential(world, key, id, world.credentialName),
      tookEffect: async (world, { id }) => expect((await modelAsAdmin(world, id))?.credentialName).toBe(world.credentialName),
      snapshot,
    },
    {
      name: `detaching the stored credential of a model with ${scope}`,
      expected: patchOutcome,
      field: 'patchModel',
      prepare: async (world) => {
        const model = await freshModel(world, scope);
        expect((await setCredential(world, TEST_MASTER_KEY, model.id, world.credentialName)).errors).toBeUndefined();
        return model;
      },
      act: (world, key, { id }) => setCredential(world, key, id, null),
      tookEffect: async (world, { id }) => expect((await modelAsAdmin(world, id))?.credentialName).toBeNull(),
      snapshot,
    },
  ];
}

function credentialRows(): Row[] {
  return [
    {
      name: 'credentials',
      expected: outcomes('allowed', 'allowed', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'UNAUTHENTICATED'),
      field: 'credentials',
      prepare: async (world) => ({ id: world.credentialName }),
      act: (world, key) => world.server.graphql('query { credentials { name } }', {}, key),
      answered: (data, { id }) => expect(data).toEqual(expect.arrayContaining([{ name: id }])),
    },
  ];
}

async function teamModelsOf(world: World): Promise<unknown> {
  return world.server.sql(`SELECT models FROM "${TABLES.team}" WHERE team_id = ?`, [world.teamId]);
}

function readRows(scope: Scope): Row[] {
  const see = scope === 'no team'
    ? outcomes('allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'UNAUTHENTICATED', 'UNAUTHENTICATED')
    : outcomes('allowed', 'allowed', 'allowed', 'allowed', 'invisible', 'invisible', 'UNAUTHENTICATED', 'UNAUTHENTICATED');
  const secrets = scope === 'no team'
    ? outcomes('allowed', 'allowed', 'field FORBIDDEN', 'field FORBIDDEN', 'field FORBIDDEN', 'field FORBIDDEN', 'UNAUTHENTICATED', 'UNAUTHENTICATED')
    : see;
  const prepare = async (world: World) => world.shared[scope];
  return [
    {
      name: `model(id) of a model with ${scope}`,
      expected: see,
      field: 'model',
      prepare,
      act: (world, key, { id }) => world.server.graphql('query ($id: ID!) { model(id: $id) { id teamId } }', { id }, key),
      answered: (data, { id }) => expect(data.id).toBe(id),
    },
    {
      name: `models listing a model with ${scope}`,
      expected: see,
      field: 'models',
      prepare,
      act: (world, key, { marker }) =>
        world.server.graphql('query ($name: String!) { models(filter: { modelName: $name }, first: 100) { totalCount edges { node { id } } } }', { name: marker }, key),
      answered: (data, { id }) => expect(data).toEqual({ totalCount: 1, edges: [{ node: { id } }] }),
    },
    {
      name: `Model.litellmParams of a model with ${scope}`,
      expected: secrets,
      field: 'model',
      prepare,
      act: (world, key, { id }) => world.server.graphql('query ($id: ID!) { model(id: $id) { id litellmParams } }', { id }, key),
      answered: (data, { id }) => {
        expect(data.id).toBe(id);
        expect(data.litellmParams).toMatchObject({ model: 'openai/gpt-4o' });
        expect(JSON.stringify(data.litellmParams)).not.toContain(PROVIDER_SECRET);
      },
    },
  ];
}

function adminRows(): Row[] {
  const expected = outcomes('allowed', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'UNAUTHENTICATED');
  const countOf = async (world: World, table: string, column: string, value: string) =>
    Number((await world.server.sql<{ count: string }>(`SELECT count(*) AS count FROM "${table}" WHERE ${column} = ?`, [value]))[0].count);
  const newId = async () => ({ id: `matrix-${randomUUID()}` });
  return [
    {
      name: 'createUser',
      expected,
      field: 'createUser',
      prepare: newId,
      act: (world, key, { id }) => world.server.graphql('mutation ($id: ID!) { createUser(input: { userId: $id, userRole: PROXY_ADMIN }) { id role } }', { id }, key),
      tookEffect: async (world, { id }) => expect(await countOf(world, TABLES.user, 'user_id', id)).toBe(1),
      snapshot: (world, { id }) => countOf(world, TABLES.user, 'user_id', id),
    },
    {
      name: 'createTeam',
      expected,
      field: 'createTeam',
      prepare: newId,
      act: (world, key, { id }) => world.server.graphql('mutation ($id: ID!) { createTeam(input: { teamId: $id, teamAlias: "matrix" }) { id } }', { id }, key),
      tookEffect: async (world, { id }) => expect(await countOf(world, TABLES.team, 'team_id', id)).toBe(1),
      snapshot: (world, { id }) => countOf(world, TABLES.team, 'team_id', id),
    },
    {
      name: 'generateKey',
      expected,
      field: 'generateKey',
      prepare: async (world) => ({ id: await createUser(world.server) }),
      act: (world, key, { id }) => world.server.graphql('mutation ($id: ID!) { generateKey(input: { userId: $id }) { key token } }', { id }, key),
      tookEffect: async (world, { id }) => expect(await countOf(world, TABLES.verificationToken, 'user_id', id)).toBe(1),
      snapshot: (world, { id }) => countOf(world, TABLES.verificationToken, 'user_id', id),
    },
  ];
}

const ROWS: Row[] = [
  ...mutationRows('no team'),
  ...mutationRows('team T'),
  ...proxyAdminOnlyRows('no team'),
  ...proxyAdminOnlyRows('team T'),
  ...readRows('no team'),
  ...readRows('team T'),
  ...adminRows(),
  ...credentialRows(),
];

const CELLS = ROWS.flatMap((row) => CALLERS.map((caller) => ({ row, name: row.name, caller, outcome: row.expected[caller] })));

describe.each(testDatabaseKinds())('the access matrix on %s', (kind) => {
  const handle = serverForEachFile(kind);
  let world: World;

  beforeAll(async () => {
    const server = handle.server;
    const teamT = await teamWithKeys(server);
    const teamU = await teamWithKeys(server);
    const keys: Record<Caller, string | null> = {
      proxyAdmin: TEST_MASTER_KEY,
      viewer: (await keyWithRole(server, 'PROXY_ADMIN_VIEWER')).key,
      teamAdmin: teamT.adminKey,
      teamMember: teamT.memberKey,
      noTeamUser: (await keyWithRole(server, 'INTERNAL_USER')).key,
      otherTeamAdmin: teamU.adminKey,
      noKey: null,
      badKey: 'sk-this-key-was-never-issued',
    };
    const sharedModel = async (teamId?: string) => {
      const marker = `shared-${randomUUID()}`;
      const model = await addModel(server, { modelName: marker, litellmParams: { model: 'openai/gpt-4o', api_key: PROVIDER_SECRET }, modelInfo: teamId ? { team_id: teamId } : undefined });
      return { id: model.id as string, marker };
    };
    const credentialName = `matrix-credential-${randomUUID()}`;
    await server.sql(
      `INSERT INTO "${TABLES.credentials}" (credential_id, credential_name, credential_values, created_by, updated_by) VALUES (?, ?, '{}'::jsonb, 'matrix', 'matrix')`,
      [randomUUID(), credentialName],
    );
    world = { server, keys, teamId: teamT.teamId, credentialName, shared: { 'no team': await sharedModel(), 'team T': await sharedModel(teamT.teamId) } };
  });

  it('covers every column for every row', () => {
    expect(CELLS).toHaveLength(ROWS.length * CALLERS.length);
  });

  it.each(CELLS)('$name — $caller: $outcome', async ({ row, caller, outcome }) => {
    const subject = await row.prepare(world);
    const before = await row.snapshot?.(world, subject);
    const response = await row.act(world, world.keys[caller], subject);

    switch (outcome) {
      case 'allowed':
        expect(response.errors).toBeUndefined();
        expect(response.data?.[row.field]).toBeTruthy();
        row.answered?.(response.data![row.field], subject);
        await row.tookEffect?.(world, subject);
        return;
      case 'invisible':
        expect(response.errors).toBeUndefined();
        if (row.field === 'models') expect(response.data?.models).toEqual({ totalCount: 0, edges: [] });
        else expect(response.data?.[row.field]).toBeNull();
        return;
      case 'field FORBIDDEN':
        expect(response.data?.model).toEqual({ id: subject.id, litellmParams: null });
        expect(response.errors).toHaveLength(1);
        expect(response.errors![0]).toMatchObject({ path: ['model', 'litellmParams'], extensions: { code: 'FORBIDDEN' } });
        return;
      default:
        expect(response.data?.[row.field] ?? null).toBeNull();
        expect(response.errors).toHaveLength(1);
        expect(response.errors![0]).toMatchObject({ path: [row.field], extensions: { code: outcome } });
        if (outcome === 'NOT_FOUND') expect(response.errors![0].message).toBe(`Model ${JSON.stringify(subject.id)} was not found.`);
        if (row.snapshot) expect(await row.snapshot(world, subject)).toEqual(before);
    }
  });
});
