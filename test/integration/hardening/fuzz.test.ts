// Thousands of malformed and hostile requests, generated from a seed, against a running server on loopback.
// None may crash it, earn an INTERNAL_SERVER_ERROR, leak a stack trace, a path or SQL, or write a row it
// should not. A failure prints its seed: FUZZ_SEED=<seed> replays the same requests.
import { randomUUID } from 'node:crypto';
import { MAX_REQUEST_BODY_BYTES } from '../../../src/server/readRequestBody';
import { UNEXPECTED_ERROR_LOG_MESSAGE } from '../../../src/server/formatError';
import { MODEL_FIELDS } from '../../support/fixtures';
import { JSON_HEADERS, leakIn, MASTER_KEY_HEADERS, sendRaw, SERVER_FAILURE_CODES, type RawResponse } from '../../support/hostileHttp';
import { rowCounts } from '../../support/storedRows';
import { testDatabaseKinds } from '../../support/testDatabases';
import { captureLog, errorCodes, serverForEachFile } from '../../support/testServer';

/** Requests that must all be refused, or only read: after them every table holds exactly what it held. */
const REFUSED_OR_READ_REQUESTS = 3_000;
/** Hostile but well-formed writes that may be accepted: each accepted one is checked against the database. */
const TRACKED_WRITES = 200;
const CONCURRENCY = 4;
/** Both phases together stop sending after this long, however many requests are left. */
const TIME_BUDGET_MS = 80_000;

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

// ---------------------------------------------------------------------------------------------------------
// A small seeded generator (mulberry32): the same seed gives the same requests.

type Random = () => number;

function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Fuzz {
  constructor(readonly random: Random) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  /** A hostile string PostgreSQL can hold: it may legitimately be stored. */
  storableString(): string {
    return this.chance(0.7) ? this.pick(STORABLE_STRINGS) : this.unicodeSoup(this.int(1, 40));
  }

  /** A hostile string with a NUL or an unpaired surrogate: PostgreSQL cannot hold it, so it must be refused cleanly. */
  unstorableString(): string {
    const base = this.storableString();
    const at = this.int(0, base.length);
    // Inserted between two storable characters, never inside a surrogate pair.
    const safeAt = /[\uDC00-\uDFFF]/.test(base[at] ?? '') ? at + 1 : at;
    return `${base.slice(0, safeAt)}${this.pick(['\u0000', '\u0000', '\uD800', '\uDFFF', '\u0000\u0000'])}${base.slice(safeAt)}`;
  }

  unicodeSoup(length: number): string {
    let text = '';
    for (let i = 0; i < length; i += 1) {
      const range = this.pick(CODE_POINT_RANGES);
      text += String.fromCodePoint(this.int(range[0], range[1]));
    }
    return text;
  }

  /** Any JSON value: scalars of every kind, arrays, objects, nesting. */
  jsonValue(depth = 0, allowUnstorable = false): unknown {
    const shape = this.int(0, depth > 3 ? 6 : 9);
    switch (shape) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -0, 1, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, 123456789012345680000]);
      case 3:
      case 4:
        return allowUnstorable && this.chance(0.2) ? this.unstorableString() : this.storableString();
      case 5:
      case 6:
        return '';
      case 7:
        return Array.from({ length: this.int(0, 5) }, () => this.jsonValue(depth + 1, allowUnstorable));
      default:
        return this.jsonObject(depth + 1, allowUnstorable);
    }
  }

  jsonObject(depth = 0, allowUnstorable = false): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (let i = this.int(0, 5); i > 0; i -= 1) {
      const key = allowUnstorable && this.chance(0.1) ? this.unstorableString() : this.chance(0.3) ? this.pick(DANGEROUS_KEYS) : this.storableString();
      setOwn(object, key, this.jsonValue(depth, allowUnstorable));
    }
    return object;
  }

  /** A JSON object guaranteed to hold unstorable text somewhere, in a key or a value, at any depth. */
  jsonObjectWithUnstorable(): Record<string, unknown> {
    const object = this.jsonObject(1);
    let target: Record<string, unknown> = object;
    for (let depth = this.int(0, 3); depth > 0; depth -= 1) {
      const child: Record<string, unknown> = {};
      setOwn(target, this.storableString(), child);
      target = child;
    }
    if (this.chance(0.5)) setOwn(target, this.unstorableString(), this.jsonValue(2));
    else setOwn(target, this.storableString() + 'x', this.chance(0.5) ? this.unstorableString() : [1, this.unstorableString()]);
    return object;
  }
}

/** `object[key] = value` would set the prototype for "__proto__": JSON.parse makes such keys own properties. */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

const STORABLE_STRINGS = [
  '',
  ' ',
  '   \t ',
  'ok',
  '😀',
  '👩‍👩‍👧‍👦',
  '\u202Egnp.exe',
  '\u200B\u200C\u200D',
  'e\u0301\u0301\u0301',
  '\uFEFFbom',
  '\uD83D\uDE00pair',
  '\u2028\u2029',
  '\\',
  '\\u0000',
  '"',
  "'",
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '${jndi:ldap://127.0.0.1/x}',
  '%s%n%x%p',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'NaN',
  'null',
  '-1',
  '1e309',
  '9'.repeat(400),
  'a'.repeat(257),
  '\r\n\r\n',
  '\u007f\u0085\u00a0',
  'Ω≈ç√∫˜µ≤≥÷',
  '中文字符测试',
  'ﷺ',
  ' leading',
  'trailing ',
  'sk-live-0123456789abcdef',
  'os.environ/SECRET',
];

const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'model', 'api_key', 'id', 'team_id', '', ' ', 'a.b', '$where'];

const CODE_POINT_RANGES: [number, number][] = [
  [0x20, 0x7e],
  [0x01, 0x1f],
  [0x80, 0x2ff],
  [0x300, 0x36f],
  [0x590, 0x6ff],
  [0x2000, 0x206f],
  [0x4e00, 0x9fff],
  [0xe000, 0xf8ff],
  [0xfff0, 0xffff],
  [0x1f300, 0x1faff],
  [0x10fff0, 0x10ffff],
];

// ---------------------------------------------------------------------------------------------------------
// The requests.

interface FuzzCase {
  kind: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Must be refused: a mutation that is invalid by construction, or anything over a limit. */
  mustFail: boolean;
}

interface Seeds {
  modelIds: string[];
  userId: string;
  teamId: string;
}

const ADD_MODEL = `mutation Add($input: AddModelInput!) { addModel(input: $input) { ${MODEL_FIELDS} } }`;
const PATCH_MODEL = `mutation Patch($id: ID!, $patch: PatchModelInput!) { patchModel(id: $id, patch: $patch) { ${MODEL_FIELDS} } }`;
const UPDATE_MODEL = `mutation Update($input: UpdateModelInput!) { updateModel(input: $input) { ${MODEL_FIELDS} } }`;
const DELETE_MODEL = 'mutation Delete($id: ID!) { deleteModel(id: $id) { id } }';
const CREATE_USER = 'mutation User($input: CreateUserInput!) { createUser(input: $input) { id email role teams } }';
const CREATE_TEAM = 'mutation Team($input: CreateTeamInput!) { createTeam(input: $input) { id alias members { userId role } } }';
const GENERATE_KEY = 'mutation Key($input: GenerateKeyInput!) { generateKey(input: $input) { token keyAlias } }';
const READ_MODEL = `query Read($id: ID!) { model(id: $id) { ${MODEL_FIELDS} team { id } auditLogs { action beforeValue updatedValues } } }`;
const LIST_MODELS = `query List($filter: ModelFilter, $first: Int, $after: String) { models(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${MODEL_FIELDS} } } } }`;
const LIST_AUDIT = `query Audit($filter: AuditLogFilter, $first: Int, $after: String) { auditLogs(filter: $filter, first: $first, after: $after) { totalCount pageInfo { endCursor } edges { node { id action tableName objectId changedBy beforeValue updatedValues model { id } } } } }`;
const READ_AUDIT = 'query One($id: ID!) { auditLog(id: $id) { id action objectId } }';

function graphqlBody(query: string, variables?: unknown, operationName?: string): string {
  return JSON.stringify({ query, variables, operationName });
}

/** A mutation that must be refused: each one carries at least one thing no valid request has. */
function refusedMutation(fuzz: Fuzz, seeds: Seeds): FuzzCase {
  const variant = fuzz.int(0, 15);
  const kind = `refused mutation #${variant}`;
  const body = (query: string, variables: unknown) => ({ kind, body: graphqlBody(query, variables), mustFail: true });
  const validParams = () => ({ model: 'openai/gpt-4o', ...fuzz.jsonObject(1) });
  switch (variant) {
    case 0: // unstorable text in the model name
      return body(ADD_MODEL, { input: { modelName: fuzz.unstorableString(), litellmParams: validParams() } });
    case 1: // unstorable text anywhere in litellmParams
      return body(ADD_MODEL, { input: { modelName: fuzz.storableString() + 'm', litellmParams: { model: 'x/y', ...fuzz.jsonObjectWithUnstorable() } } });
    case 2: // unstorable text anywhere in modelInfo
      return body(ADD_MODEL, { input: { modelName: 'm' + fuzz.storableString(), litellmParams: validParams(), modelInfo: fuzz.jsonObjectWithUnstorable() } });
    case 3: {
      // litellmParams of every shape but an object, or an object without a usable model
      const withoutModel = fuzz.jsonObject(1);
      delete withoutModel.model;
      return body(ADD_MODEL, {
        input: {
          modelName: 'm',
          litellmParams: fuzz.pick([null, 1, 'openai/gpt-4o', true, [], [{ model: 'x' }], { model: null }, { model: 5 }, { model: '' }, { model: '   ' }, { model: ['a'] }, { model: {} }, withoutModel]),
        },
      });
    }
    case 4: // modelInfo of every shape but an object
      return body(ADD_MODEL, { input: { modelName: 'm', litellmParams: validParams(), modelInfo: fuzz.pick([1, 'info', true, [], [1, 2], -0.5]) } });
    case 5: // empty or over-long model names
      return body(ADD_MODEL, { input: { modelName: fuzz.pick(['', '   ', '\t\n', 'n'.repeat(fuzz.int(257, 5000))]), litellmParams: validParams() } });
    case 6: // ids that are not usable: unstorable, empty, too long, not strings
      return body(ADD_MODEL, {
        input: { modelName: 'm', litellmParams: validParams(), modelInfo: { id: fuzz.pick([fuzz.unstorableString(), '', '  ', 'i'.repeat(300), 5, {}, [], true]) } },
      });
    case 7: // wrong variable types
      return body(
        ...fuzz.pick<[string, unknown]>([
          [ADD_MODEL, { input: fuzz.jsonValue(3) }],
          [ADD_MODEL, { input: { modelName: fuzz.pick([5, true, null, [], {}]), litellmParams: { model: 'x' } } }],
          [ADD_MODEL, { input: { modelName: 'm' } }],
          [ADD_MODEL, 'not an object'],
          [PATCH_MODEL, { id: fuzz.pick([null, {}, [], true, 1.5]), patch: {} }],
          [PATCH_MODEL, { id: seeds.modelIds[0], patch: fuzz.pick([null, 5, 'x', [], { modelName: 5 }, { unknownField: 1 }]) }],
          [UPDATE_MODEL, { input: { id: seeds.modelIds[0] } }],
          [UPDATE_MODEL, { input: { id: seeds.modelIds[0], litellmParams: fuzz.pick([1, 'x', [], null, true]) } }],
          [DELETE_MODEL, { id: fuzz.pick([null, {}, [], true, 1.5]) }],
          [DELETE_MODEL, {}],
          [DELETE_MODEL, [1, 2, 3]],
        ]),
      );
    case 8: // ids nobody has
      return body(fuzz.pick([PATCH_MODEL, DELETE_MODEL]), { id: `${randomId(fuzz)}${fuzz.storableString()}`, patch: { litellmParams: { a: 1 } } });
    case 9: // unstorable text in the id of a change
      return body(fuzz.pick([PATCH_MODEL, DELETE_MODEL]), { id: fuzz.unstorableString(), patch: { modelName: 'x' } });
    case 10: // unstorable text in a patch
      return body(PATCH_MODEL, {
        id: fuzz.pick(seeds.modelIds),
        patch: fuzz.pick([{ modelName: fuzz.unstorableString() }, { litellmParams: fuzz.jsonObjectWithUnstorable() }, { modelInfo: fuzz.jsonObjectWithUnstorable() }]),
      });
    case 11: // patches that break the model: remove or blank its provider model, change its id
      return body(PATCH_MODEL, {
        id: fuzz.pick(seeds.modelIds),
        patch: fuzz.pick([{ litellmParams: { model: null } }, { litellmParams: { model: '' } }, { litellmParams: { model: 7 } }, { modelInfo: { id: 'other' } }, { modelName: '' }, { modelName: '  ' }]),
      });
    case 12: // admin mutations with unstorable text in a string
      return fuzz.pick([
        () => body(CREATE_USER, { input: { userId: fuzz.unstorableString(), userEmail: 'e' } }),
        () => body(CREATE_USER, { input: { userId: randomId(fuzz), userEmail: fuzz.unstorableString() } }),
        () => body(CREATE_TEAM, { input: { teamId: fuzz.unstorableString() } }),
        () => body(CREATE_TEAM, { input: { teamId: randomId(fuzz), teamAlias: fuzz.unstorableString() } }),
        () => body(CREATE_TEAM, { input: { teamId: randomId(fuzz), members: [{ userId: fuzz.unstorableString(), role: 'ADMIN' }] } }),
        () => body(GENERATE_KEY, { input: { userId: fuzz.unstorableString() } }),
        () => body(GENERATE_KEY, { input: { userId: seeds.userId, keyAlias: fuzz.unstorableString() } }),
        () => body(GENERATE_KEY, { input: { userId: seeds.userId, teamId: fuzz.unstorableString() } }),
      ])();
    case 13: // bad enum values, dates and references in admin mutations
      return fuzz.pick([
        () => body(CREATE_USER, { input: { userId: randomId(fuzz), userRole: fuzz.pick(['proxy_admin', 'ROOT', '', 5, 'PROXY_ADMIN ', fuzz.storableString()]) } }),
        () => body(CREATE_TEAM, { input: { teamId: randomId(fuzz), members: [{ userId: `${randomId(fuzz)}-missing`, role: 'ADMIN' }] } }),
        () => body(CREATE_TEAM, { input: { teamId: randomId(fuzz), members: [{ userId: seeds.userId, role: fuzz.pick(['OWNER', 'admin', 1, null]) }] } }),
        () => body(GENERATE_KEY, { input: { userId: `${randomId(fuzz)}-missing` } }),
        () => body(GENERATE_KEY, { input: { userId: seeds.userId, expires: fuzz.pick(['yesterday', '2001-01-01T00:00:00Z', '0000-00-00', 5, '+275760-09-13T00:00:00.001Z', '9999-99-99T99:99:99Z']) } }),
        () => body(GENERATE_KEY, { input: { userId: seeds.userId, teamId: `${randomId(fuzz)}-missing` } }),
      ])();
    case 14: // the same mutation without a key, or with a bad one
      return {
        kind,
        body: graphqlBody(ADD_MODEL, { input: { modelName: 'm', litellmParams: { model: 'x' } } }),
        headers: fuzz.pick([JSON_HEADERS, { ...JSON_HEADERS, authorization: `Bearer ${fuzz.pick(['', 'sk-', 'sk-nope', 'x'.repeat(5000), 'sk-\u00e9\u00e9'])}` }, { ...JSON_HEADERS, authorization: 'Basic Zm9vOmJhcg==' }, { ...JSON_HEADERS, 'x-litellm-api-key': 'sk-unknown' }]),
        mustFail: true,
      };
    default: // a mutation over GET, which only runs queries
      return {
        kind,
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent(`mutation { deleteModel(id: "${seeds.modelIds[0]}") { id } }`)}`,
        headers: { authorization: MASTER_KEY_HEADERS.authorization, 'apollo-require-preflight': 'true' },
        mustFail: true,
      };
  }
}

/** Queries with hostile arguments: refused or answered, never a server failure, never a write. */
function hostileRead(fuzz: Fuzz, seeds: Seeds): FuzzCase {
  const variant = fuzz.int(0, 6);
  const kind = `hostile read #${variant}`;
  const read = (query: string, variables: unknown): FuzzCase => ({ kind, body: graphqlBody(query, variables), mustFail: false });
  const anyString = () => (fuzz.chance(0.4) ? fuzz.unstorableString() : fuzz.storableString());
  switch (variant) {
    case 0:
      return read(READ_MODEL, { id: fuzz.pick([anyString(), fuzz.pick(seeds.modelIds), 'i'.repeat(fuzz.int(200, 3000))]) });
    case 1:
      return read(LIST_MODELS, {
        filter: fuzz.pick([null, {}, { modelName: anyString() }, { teamId: anyString() }, { source: fuzz.pick(['DB', 'CONFIG', 'db', 'NONE', 1]) }]),
        first: fuzz.pick([undefined, null, 0, 1, 100, 101, -1, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 1.5, '10', 1e308]),
      });
    case 2:
      return read(LIST_MODELS, { after: invalidCursor(fuzz), first: fuzz.int(-5, 150) });
    case 3:
      return read(LIST_AUDIT, {
        filter: fuzz.pick([
          { objectId: anyString() },
          { changedBy: anyString() },
          { tableName: anyString() },
          { action: fuzz.pick(['CREATED', 'created', 'DROPPED', '', 0]) },
          { since: fuzz.pick(['2024-01-01T00:00:00Z', 'not a date', '0001-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', 0, 1e20]) },
          { until: fuzz.pick(['9999-12-31T23:59:59Z', '2024-13-45T25:61:61Z', '', null]) },
        ]),
        first: fuzz.pick([undefined, 0, 5, 100, 101, -1, 2 ** 31]),
      });
    case 4:
      return read(LIST_AUDIT, { after: invalidCursor(fuzz) });
    case 5:
      return read(READ_AUDIT, { id: anyString() });
    default:
      return read(`query ($first: Int) { model(id: "${fuzz.pick(seeds.modelIds)}") { auditLogs(first: $first) { action } } }`, { first: fuzz.pick([-1, 0, 1, 1000, 2 ** 31 - 1]) });
  }
}

function invalidCursor(fuzz: Fuzz): unknown {
  const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
  return fuzz.pick([
    '',
    'not-a-cursor',
    '!!!!',
    '\u0000',
    encode('{'),
    encode(null),
    encode([]),
    encode({}),
    encode(['x']),
    encode([1, 2, 3]),
    encode({ id: 'x' }),
    encode(['2024-01-01T00:00:00.000Z', 'id']),
    encode(['not a date', 'id']),
    encode([fuzz.unstorableString(), fuzz.unstorableString()]),
    encode(['0000-01-01T00:00:00.000Z', '\u0000']),
    encode(fuzz.jsonValue(2)),
    encode('x'.repeat(3000)),
    fuzz.storableString(),
    5,
    true,
    {},
  ]);
}

/** Query documents over a limit or malformed: refused before anything runs. */
function hostileDocument(fuzz: Fuzz): FuzzCase {
  const variant = fuzz.int(0, 9);
  const kind = `hostile document #${variant}`;
  const doc = (query: string): FuzzCase => ({ kind, body: graphqlBody(query), mustFail: true });
  switch (variant) {
    case 0: {
      // deep nesting through a cycle in the schema, over the depth limit
      const levels = fuzz.int(3, 60);
      return doc(`{ ${'auditLogs { edges { node { model { '.repeat(levels)}id${' } } } }'.repeat(levels)} }`);
    }
    case 1: {
      // nesting with braces only
      const levels = fuzz.int(20, 600);
      return doc(`${'{ me '.repeat(levels)}${'}'.repeat(levels)}`);
    }
    case 2: {
      // alias bomb
      const count = fuzz.int(31, 400);
      const field = fuzz.pick(['me { userId }', 'models { totalCount }', 'auditLogs(first: 100) { totalCount }', '__typename x: me { role }']);
      return doc(`{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`);
    }
    case 3: {
      // circular fragments
      const names = Array.from({ length: fuzz.int(1, 6) }, (_, i) => `F${i}`);
      const fragments = names.map((name, i) => `fragment ${name} on Principal { userId ...${names[(i + 1) % names.length]} }`);
      return doc(`{ me { ...F0 } } ${fragments.join(' ')}`);
    }
    case 4: {
      // fragment explosion: each fragment spreads the next one twice
      const levels = fuzz.int(12, 30);
      const fragments = Array.from({ length: levels }, (_, i) => (i === levels - 1 ? `fragment F${i} on Query { me { userId } }` : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} models { totalCount } }`));
      return doc(`{ ...F0 } ${fragments.join(' ')}`);
    }
    case 5: {
      // directive flood
      const count = fuzz.int(21, 500);
      const directive = fuzz.pick(['@include(if: true)', '@skip(if: false)', '@deprecated', '@unknown', '@auth(rule: AUTHENTICATED)']);
      return doc(`{ me ${directive.concat(' ').repeat(count)}{ userId } }`);
    }
    case 6: // too many tokens
      return doc(`{ me { ${'userId '.repeat(fuzz.int(2_001, 20_000))}} }`);
    case 7: // cost: lists of 100 in lists of 100
      return doc(`{ auditLogs(first: 100) { edges { node { model { auditLogs(first: 100) { id beforeValue updatedValues model { modelName } } } } } } }`);
    case 8: // syntax errors and documents that are not GraphQL
      return doc(fuzz.pick(['{', '}', '{ me { userId }', 'query {', '{ me(: 1) }', '"""', '{ me { userId } } }', '\u0000', 'query Q($a: ) { me }', '{ me { userId } } extra', '{ ...on }', 'subscription { me }', fuzz.unicodeSoup(50), '#'.repeat(100)]));
    default: // unknown fields, arguments and types
      return doc(fuzz.pick(['{ mee { userId } }', '{ models(firstt: 1) { totalCount } }', '{ model { id } }', '{ me { password } }', '{ __type(name: "Secret") { name } x: models(filter: { nope: 1 }) { totalCount } }', 'mutation { dropDatabase }', '{ me { ... on Model { id } } }']));
  }
}

/** Broken or hostile HTTP: not JSON, wrong shapes, wrong methods, batches, bodies over the cap. */
function hostileHttp(fuzz: Fuzz): FuzzCase {
  const variant = fuzz.int(0, 8);
  const kind = `hostile http #${variant}`;
  const valid = graphqlBody('{ me { userId } }');
  switch (variant) {
    case 0: {
      // a valid body cut short or with bytes changed
      const at = fuzz.int(0, valid.length - 1);
      // A changed byte may still leave a valid read (a comma is white space to GraphQL): only a failure is checked.
      return { kind, body: fuzz.chance(0.5) ? valid.slice(0, at) : `${valid.slice(0, at)}${fuzz.pick(['"', '}', '\\', '\u0000', ',', 'x', '\uD800'])}${valid.slice(at + 1)}`, mustFail: false };
    }
    case 1: // JSON that is not a GraphQL request
      return {
        kind,
        body: fuzz.pick(['null', '1', '"{ me { userId } }"', 'true', '{}', '{"query": 5}', '{"query": null}', '{"query": ["{ me { userId } }"]}', '{"query": "{ me { userId } }", "variables": "x"}', '{"query": "{ me { userId } }", "variables": [1]}', '{"query": "{ me { userId } }", "operationName": 5}', '{"query": "{ me { userId } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}']),
        mustFail: true,
      };
    case 2: // batched operations
      return { kind, body: JSON.stringify(Array.from({ length: fuzz.int(1, 50) }, () => ({ query: '{ me { userId } }' }))), mustFail: true };
    case 3: {
      // a JSON scalar nested deeper than any model's parameters are
      const levels = fuzz.int(200, 150_000);
      const open = fuzz.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const query = 'mutation ($p: JSON!) { addModel(input: { modelName: "deep", litellmParams: $p }) { id } }';
      return { kind, body: `{"query": ${JSON.stringify(query)}, "variables": {"p": {"model": "x/y", "deep": ${open.repeat(levels)}1${close.repeat(levels)}}}}`, mustFail: true };
    }
    case 4: // bytes that are not UTF-8
      return { kind, body: Buffer.concat([Buffer.from('{"query": "{ me { userId '), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]), Buffer.from(' } }"}')]), mustFail: true };
    case 5: // bodies over the cap
      return { kind, body: graphqlBody('{ me { userId } }', { padding: 'p'.repeat(MAX_REQUEST_BODY_BYTES + fuzz.int(1, 4096)) }), mustFail: true };
    case 6: // content types a browser may send without a preflight (CSRF), or none the server reads
      return { kind, body: valid, headers: { authorization: MASTER_KEY_HEADERS.authorization, 'content-type': fuzz.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) }, mustFail: true };
    case 7: // methods other than GET and POST
      return { kind, method: fuzz.pick(['PUT', 'DELETE', 'PATCH']), body: valid, mustFail: true };
    default: // GET: refused without the preflight header (CSRF) or with a broken query string, else a read
      return {
        kind,
        method: 'GET',
        path: fuzz.pick(['/graphql?query=%7B%20me%20%7B%20userId%20%7D%20%7D', '/graphql?query=%ZZ', '/graphql?variables=%7B&query=x', '/graphql?query=' + 'a'.repeat(5000)]),
        headers: fuzz.chance(0.5) ? { authorization: MASTER_KEY_HEADERS.authorization } : { authorization: MASTER_KEY_HEADERS.authorization, 'apollo-require-preflight': 'true' },
        mustFail: false,
      };
  }
}

function randomId(fuzz: Fuzz): string {
  return `fuzz-${Math.floor(fuzz.random() * 2 ** 48).toString(36)}`;
}

/** A well-formed write full of hostile but storable content: it may be accepted; what it wrote is checked after. */
interface TrackedWrite {
  kind: 'addModel' | 'createUser' | 'patchModel';
  /** The id the write creates or changes. */
  objectId: string;
  body: string;
}

function trackedWrite(fuzz: Fuzz, seeds: Seeds): TrackedWrite {
  const variant = fuzz.int(0, 2);
  if (variant === 0) {
    const objectId = `${randomId(fuzz)}${fuzz.storableString()}`.slice(0, 200);
    const litellmParams = { ...fuzz.jsonObject(0), model: `p/${fuzz.storableString()}x` };
    setOwn(litellmParams, `${fuzz.storableString()}k`, fuzz.storableString());
    const modelInfo: Record<string, unknown> = { ...fuzz.jsonObject(0), id: objectId };
    delete modelInfo.team_id;
    const modelName = `${fuzz.storableString()}${fuzz.unicodeSoup(3)}`.slice(0, 256);
    return { kind: 'addModel', objectId, body: graphqlBody(ADD_MODEL, { input: { modelName, litellmParams, modelInfo } }) };
  }
  if (variant === 1) {
    const objectId = `${randomId(fuzz)}${fuzz.storableString()}`.slice(0, 200);
    return { kind: 'createUser', objectId, body: graphqlBody(CREATE_USER, { input: { userId: objectId, userEmail: fuzz.storableString(), userRole: fuzz.pick(['INTERNAL_USER', 'PROXY_ADMIN_VIEWER', null]) } }) };
  }
  const objectId = fuzz.pick(seeds.modelIds);
  const litellmParams: Record<string, unknown> = {};
  setOwn(litellmParams, `${fuzz.storableString()}k`, fuzz.jsonValue(1));
  const patch = { litellmParams, modelInfo: fuzz.chance(0.5) ? fuzz.jsonObject(1) : undefined };
  return { kind: 'patchModel', objectId, body: graphqlBody(PATCH_MODEL, { id: objectId, patch }) };
}

// ---------------------------------------------------------------------------------------------------------

async function runBounded<T>(items: T[], concurrency: number, deadline: number, send: (item: T, index: number) => Promise<void>): Promise<number> {
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < items.length && Date.now() < deadline) {
      const index = next;
      next += 1;
      await send(items[index], index);
      sent += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return sent;
}

describe.each(testDatabaseKinds())('fuzzing the server on %s', (kind) => {
  const log = captureLog('info');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  const handle = serverForEachFile(kind, undefined, { log });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it(`survives ${REFUSED_OR_READ_REQUESTS} refused or read-only requests and ${TRACKED_WRITES} hostile writes (seed printed on failure)`, async () => {
    const seed = SEED + (kind === 'postgres' ? 1 : 0);
    console.log(`fuzz on ${kind}: FUZZ_SEED=${SEED}`);
    const fuzz = new Fuzz(seededRandom(seed));
    const deadline = Date.now() + TIME_BUDGET_MS;
    const failures: string[] = [];
    const fail = (index: number, caseKind: string, problem: string, response?: RawResponse) => {
      if (failures.length < 20) failures.push(`[FUZZ_SEED=${SEED} ${kind} #${index} ${caseKind}] ${problem}${response ? ` — ${response.status} ${response.text.slice(0, 300)}` : ''}`);
    };
    const checkAnswer = (index: number, caseKind: string, response: RawResponse) => {
      if (response.status >= 500) fail(index, caseKind, `status ${response.status}`, response);
      const codes = errorCodes(response);
      const serverFailure = codes.find((code) => SERVER_FAILURE_CODES.includes(code));
      if (serverFailure) fail(index, caseKind, serverFailure, response);
      const leak = leakIn(response.text);
      if (leak) fail(index, caseKind, `leaks ${leak}`, response);
      if (response.json === undefined) fail(index, caseKind, 'answer is not JSON', response);
    };

    // Seed data the hostile requests aim at.
    const seeds: Seeds = { modelIds: [], userId: `seed-user-${randomUUID().slice(0, 8)}`, teamId: `seed-team-${randomUUID().slice(0, 8)}` };
    for (let i = 0; i < 3; i += 1) {
      const response = await handle.server.graphql<{ addModel: { id: string } }>(ADD_MODEL, { input: { modelName: `seed-${i}`, litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-seed-secret-value' } } });
      seeds.modelIds.push(response.data!.addModel.id);
    }
    await handle.server.graphql(CREATE_USER, { input: { userId: seeds.userId } });
    await handle.server.graphql(CREATE_TEAM, { input: { teamId: seeds.teamId, members: [{ userId: seeds.userId, role: 'ADMIN' }] } });
    const hostileStrings = [...STORABLE_STRINGS, ...DANGEROUS_KEYS];
    expect(hostileStrings.filter((text) => leakIn(JSON.stringify(text)))).toEqual([]);

    // Phase 1: requests that must be refused, or that only read. Generated up front, so a seed replays them exactly.
    const generators = [refusedMutation, hostileRead, (f: Fuzz) => hostileDocument(f), (f: Fuzz) => hostileHttp(f)];
    const weights = [0.45, 0.25, 0.18, 0.12];
    const cases: FuzzCase[] = Array.from({ length: REFUSED_OR_READ_REQUESTS }, () => {
      let roll = fuzz.random();
      const choice = weights.findIndex((weight) => (roll -= weight) < 0);
      return generators[choice === -1 ? 0 : choice](fuzz, seeds);
    });
    const before = await rowCounts(handle.server);
    const sentPhase1 = await runBounded(cases, CONCURRENCY, deadline, async (fuzzCase, index) => {
      let response: RawResponse;
      try {
        response = await sendRaw(`${handle.server.url}${fuzzCase.path ?? '/graphql'}`, {
          method: fuzzCase.method,
          body: fuzzCase.method === 'GET' ? undefined : fuzzCase.body,
          headers: fuzzCase.headers ?? MASTER_KEY_HEADERS,
        });
      } catch (error) {
        // The server may close the connection on a body over the cap before reading it all.
        if (fuzzCase.kind === 'hostile http #5') return;
        return fail(index, fuzzCase.kind, `request failed: ${String(error)}`);
      }
      checkAnswer(index, fuzzCase.kind, response);
      if (fuzzCase.mustFail) {
        const data = response.json?.data;
        const wrote = data && Object.values(data).some((value) => value !== null);
        if (response.status === 200 && (!response.json?.errors?.length || wrote)) fail(index, fuzzCase.kind, 'was accepted', response);
      }
    });
    const afterPhase1 = await rowCounts(handle.server);
    if (JSON.stringify(afterPhase1) !== JSON.stringify(before)) failures.push(`[FUZZ_SEED=${SEED} ${kind}] refused requests wrote rows: ${JSON.stringify(before)} -> ${JSON.stringify(afterPhase1)}`);

    // Phase 2: hostile but well-formed writes; whatever was accepted must be stored whole, with its audit row.
    const writes = Array.from({ length: TRACKED_WRITES }, () => trackedWrite(fuzz, seeds));
    const accepted: TrackedWrite[] = [];
    const refused: TrackedWrite[] = [];
    const sentPhase2 = await runBounded(writes, CONCURRENCY, deadline, async (write, index) => {
      const response = await sendRaw(`${handle.server.url}/graphql`, { body: write.body });
      checkAnswer(REFUSED_OR_READ_REQUESTS + index, write.kind, response);
      (response.json?.errors?.length ? refused : accepted).push(write);
    });
    for (const write of accepted.filter((write) => write.kind !== 'patchModel')) {
      const table = write.kind === 'addModel' ? ['LiteLLM_ProxyModelTable', 'model_id'] : ['LiteLLM_UserTable', 'user_id'];
      const rows = await handle.server.sql(`select 1 from "${table[0]}" where ${table[1]} = ?`, [write.objectId]);
      const created = await handle.server.sql(`select 1 from "LiteLLM_AuditLog" where object_id = ? and action = 'created'`, [write.objectId]);
      if (rows.length !== 1 || created.length !== 1) failures.push(`[FUZZ_SEED=${SEED} ${kind}] accepted ${write.kind} ${JSON.stringify(write.objectId)}: ${rows.length} rows, ${created.length} created audit rows`);
    }
    for (const write of refused.filter((write) => write.kind !== 'patchModel')) {
      const audit = await handle.server.sql(`select 1 from "LiteLLM_AuditLog" where object_id = ?`, [write.objectId]);
      if (audit.length) failures.push(`[FUZZ_SEED=${SEED} ${kind}] refused ${write.kind} ${JSON.stringify(write.objectId)} left audit rows`);
    }
    const after = await rowCounts(handle.server);
    const acceptedOf = (writeKind: TrackedWrite['kind']) => accepted.filter((write) => write.kind === writeKind).length;
    expect(after.LiteLLM_ProxyModelTable).toBe(afterPhase1.LiteLLM_ProxyModelTable + acceptedOf('addModel'));
    expect(after.LiteLLM_UserTable).toBe(afterPhase1.LiteLLM_UserTable + acceptedOf('createUser'));

    // Everything stored reads back through the API without a server failure.
    let after_: string | null = null;
    do {
      const page = await sendRaw(`${handle.server.url}/graphql`, { body: graphqlBody(LIST_MODELS, { first: 100, after: after_ }) });
      checkAnswer(-1, 'read back models', page);
      const models = page.json?.data?.models as { pageInfo: { hasNextPage: boolean; endCursor: string | null } } | undefined;
      after_ = models?.pageInfo.hasNextPage ? models.pageInfo.endCursor : null;
    } while (after_);
    const history = await sendRaw(`${handle.server.url}/graphql`, { body: graphqlBody(LIST_AUDIT, { first: 100 }) });
    checkAnswer(-1, 'read back audit log', history);

    // The server still answers, and nothing it logged was an unexpected error.
    expect((await fetch(`${handle.server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${handle.server.url}/readyz`)).status).toBe(200);
    expect((await handle.server.graphql('{ me { userId } }')).data).toEqual({ me: { userId: 'default_user_id' } });
    const unexpected = log.lines().filter((line) => line.msg === UNEXPECTED_ERROR_LOG_MESSAGE || line.level >= 50);
    const causes = [...new Set(unexpected.map((line) => `${line.msg}: ${String(line.err?.message ?? '').slice(0, 200)}`))];
    expect({ failures, causes, unhandled }).toEqual({ failures: [], causes: [], unhandled: [] });
    expect(sentPhase1 + sentPhase2).toBeGreaterThanOrEqual(REFUSED_OR_READ_REQUESTS);
  }, TIME_BUDGET_MS + 60_000);
});
