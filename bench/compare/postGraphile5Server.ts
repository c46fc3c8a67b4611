// PostGraphile v5 (installed apart in bench/compare/postgraphile5) as its docs serve it on node:http: the
// Amber preset over the public schema, no GraphiQL, no explain, a pool of DATABASE_POOL_SIZE connections.
// Its index behaviours are off so that it orders and filters by unindexed columns as v4 does.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { POSTGRAPHILE5_DIR } from './contestants';

const load = createRequire(path.join(POSTGRAPHILE5_DIR, 'package.json'));
const { postgraphile } = load('postgraphile');
const { PostGraphileAmberPreset } = load('postgraphile/presets/amber');
const { makePgService } = load('postgraphile/adaptors/pg');
const { grafserv } = load('postgraphile/grafserv/node');

const port = Number(process.env.PORT);
const host = process.env.HOST ?? '127.0.0.1';
const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'], poolConfig: { max: Number(process.env.DATABASE_POOL_SIZE ?? 10) } })],
  grafserv: { port, host, graphiql: false, watch: false, websockets: false },
  grafast: { explain: false },
});
const server = createServer();
void pgl
  .createServ(grafserv)
  .addTo(server)
  .then(() => server.listen(port, host));
process.on('SIGTERM', () => {
  server.close(() => void pgl.release().then(() => process.exit(0)));
});
