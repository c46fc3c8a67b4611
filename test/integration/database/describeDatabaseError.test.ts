// The errors the database really raises (through MikroORM, knex and pg, on PGlite and PostgreSQL) hold the
// failed statement with every value inlined, and the row's values in `detail`. What the log keeps of them is
// the code, table, column and constraint, and the database's message with its quoted values redacted.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AuthenticatedPrincipal } from '../../../src/access/Principal';
import { UserRole } from '../../../src/access/UserRole';
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { actingAs } from '../../../src/request/RequestScope';
import { describeDatabaseError, REDACTED_VALUE, withoutStatements } from '../../../src/errors/describeDatabaseError';
import { ProxyModel } from '../../../src/database/entities/ProxyModel';
import { TABLES } from '../../../src/database/tables';
import { describeCause } from '../../../src/errors/StartupError';
import { createLogger, serializeError } from '../../../src/server/logger';
import { addModel } from '../../support/fixtures';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../support/testDatabases';
import { captureLog, startTestServer, type TestServer } from '../../support/testServer';

const SECRET = 'sk-statement-secret-0123456789';
const CIPHERTEXT = AtRestCipher.create({ saltKey: 'a salt key of this test', algorithm: 'aes-256-gcm' }).encrypt(SECRET);
/** Statements here time out after this long on PostgreSQL (the server's statement_timeout). */
const STATEMENT_TIMEOUT_MS = 700;

const ACTOR: AuthenticatedPrincipal = {
  authenticated: true,
  userId: 'describe-database-error',
  role: UserRole.PROXY_ADMIN,
  teamId: null,
  isTeamAdmin: false,
  keyHash: 'f'.repeat(64),
};

describe.each(testDatabaseKinds())('database errors as a log line describes them, on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let existingId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    server = await startTestServer(database, kind === 'postgres' ? { requestTimeoutMs: STATEMENT_TIMEOUT_MS } : {});
    existingId = (await addModel(server)).id;
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  const execute = (sql: string, values: unknown[]) => server.app.orm.em.fork().getConnection().execute(sql, values);

  async function failureOf(work: () => Promise<unknown>): Promise<Error> {
    try {
      await work();
    } catch (error) {
      return error as Error;
    }
    throw new Error('the statement was expected to fail');
  }

  /** The raw error does hold the value (so the case means something); nothing derived from it for the log does. */
  function expectValueOnlyInRawError(error: Error, value: string): void {
    const raw = [error.message, error.stack, ...Object.values(error).map(String)].join('\n');
    expect(raw).toContain(value);
    const logged = captureLog('info');
    createLogger('info', logged.destination).error({ err: error }, 'a failed statement');
    for (const [what, text] of [
      ['describeDatabaseError', JSON.stringify(describeDatabaseError(error))],
      ['serializeError', JSON.stringify(serializeError(error))],
      ['the log line', logged.text()],
      ['describeCause', describeCause(error)],
      ['a driver warning naming it', withoutStatements(`Connection Error: ${error}`)],
    ]) {
      expect({ what, leaked: text.includes(value) }).toEqual({ what, leaked: false });
    }
  }

  it('a unique violation in a flush: the statement (ciphertext inline) and the key in detail stay out', async () => {
    const error = await failureOf(() =>
      actingAs(ACTOR, () =>
        server.app.orm.em.fork().transactional(async (em) => {
          em.create(ProxyModel, { modelId: existingId, modelName: 'duplicate', litellmParams: { api_key: CIPHERTEXT }, createdBy: 'a', updatedBy: 'a' });
        }),
      ),
    );
    expect(error).toBeInstanceOf(UniqueConstraintViolationException);
    expect(describeDatabaseError(error)).toEqual({
      type: 'UniqueConstraintViolationException',
      code: '23505',
      severity: 'ERROR',
      schema: 'public',
      table: TABLES.proxyModel,
      constraint: expect.stringContaining('pkey'),
      message: expect.stringMatching(/^duplicate key value violates unique constraint "\w+"$/),
    });
    expectValueOnlyInRawError(error, CIPHERTEXT);
    expectValueOnlyInRawError(error, existingId);
  });

  it('a not-null violation whose detail lists the failing row', async () => {
    const error = await failureOf(() =>
      execute(`insert into "${TABLES.proxyModel}" (model_id, model_name, litellm_params, created_by, updated_by) values (?, ?, ?, ?, ?)`, [
        'not-null-case',
        null,
        JSON.stringify({ api_key: CIPHERTEXT }),
        'a',
        'a',
      ]),
    );
    expect(describeDatabaseError(error)).toEqual({
      type: 'DatabaseError',
      code: '23502',
      severity: 'ERROR',
      schema: 'public',
      table: TABLES.proxyModel,
      column: 'model_name',
      message: `null value in column "model_name" of relation "${TABLES.proxyModel}" violates not-null constraint`,
    });
    // PostgreSQL cuts long values in the detail short: what it keeps of the ciphertext stays out too.
    const ciphertextStart = CIPHERTEXT.slice(0, 40);
    expect((error as unknown as { detail: string }).detail).toContain(ciphertextStart);
    expectValueOnlyInRawError(error, ciphertextStart);
    expectValueOnlyInRawError(error, CIPHERTEXT);
  });

  it('a value PostgreSQL quotes in its own message is redacted', async () => {
    const error = await failureOf(() => execute('select ?::int', [SECRET]));
    expect(describeDatabaseError(error)).toMatchObject({ code: '22P02', message: `invalid input syntax for type integer: ${REDACTED_VALUE}` });
    expectValueOnlyInRawError(error, SECRET);
  });

  it('a JSON text with quotes of its own, quoted in the message, is redacted whole', async () => {
    const error = await failureOf(() => execute('select ?::int', [JSON.stringify({ api_key: SECRET })]));
    expect(describeDatabaseError(error)?.message).toBe(`invalid input syntax for type integer: ${REDACTED_VALUE}`);
    expectValueOnlyInRawError(error, SECRET);
  });

  it('a JSON value that does not parse: its detail and context echo it, the log line does not', async () => {
    const error = await failureOf(() => execute(`update "${TABLES.proxyModel}" set litellm_params = ?::jsonb where model_id = ?`, [`{"api_key": ${SECRET}}`, existingId]));
    expect(describeDatabaseError(error)).toEqual({ type: 'DatabaseError', code: '22P02', severity: 'ERROR', message: 'invalid input syntax for type json' });
    expect((error as unknown as { where: string }).where).toContain('{"api_key": sk');
    expectValueOnlyInRawError(error, SECRET);
    expectValueOnlyInRawError(error, '{"api_key": sk');
  });

  it('a missing table keeps its name: identifiers are not values', async () => {
    const error = await failureOf(() => execute('select * from "NoSuchTable" where x = ?', [SECRET]));
    expect(describeDatabaseError(error)).toMatchObject({ code: '42P01', message: 'relation "NoSuchTable" does not exist' });
    expectValueOnlyInRawError(error, SECRET);
  });

  if (kind === 'postgres') {
    it('a statement the statement timeout cancelled', async () => {
      const error = await failureOf(() => execute('select pg_sleep(3), ?::text', [SECRET]));
      expect(describeDatabaseError(error)).toEqual({ type: 'DatabaseError', code: '57014', severity: 'ERROR', message: 'canceling statement due to statement timeout' });
      expectValueOnlyInRawError(error, SECRET);
    });

    it('a statement whose connection the database terminated', async () => {
      const running = failureOf(() => execute('select pg_sleep(0.5), ?::text', [SECRET]));
      await new Promise((resolve) => setTimeout(resolve, 150));
      await database.sql(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like '%pg_sleep%'`);
      const error = await running;
      expect(describeDatabaseError(error)).toEqual({ type: 'DatabaseError', code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' });
      expectValueOnlyInRawError(error, SECRET);
    });
  }
});
