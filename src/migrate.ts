// `npm run migrate`: applies pending migrations and exits (on DATABASE_URL, or the embedded database).
import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm } from './app/createOrm';
import { loadSettings, redactDatabaseUrl } from './config/settings';
import { startEmbeddedDatabase } from './database/embedded/EmbeddedDatabase';
import { describeCause, StartupError } from './errors/StartupError';

async function migrate(): Promise<void> {
  const settings = loadSettings();
  const embedded = settings.databaseUrl ? undefined : await startEmbeddedDatabase(settings.dataDir);
  const databaseUrl = settings.databaseUrl ?? embedded!.url;
  try {
    let orm: MikroORM;
    try {
      orm = await createOrm({ databaseUrl, poolSize: 1 });
      await orm.em.getConnection().execute('select 1');
    } catch (cause) {
      throw StartupError.databaseUnreachable(redactDatabaseUrl(databaseUrl), cause);
    }
    try {
      const applied = await orm.getMigrator().up();
      process.stdout.write(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}\n` : 'nothing to migrate\n');
    } finally {
      await orm.close();
    }
  } finally {
    await embedded?.stop();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(`model-admin-graphql migrate: ${describeCause(error)}\n`);
  process.exit(1);
});
