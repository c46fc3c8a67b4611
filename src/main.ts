// `npm start`: reads the environment, starts the server, stops it cleanly on SIGTERM/SIGINT.
import { startApp } from './app/startApp';
import { loadSettings } from './config/settings';
import { describeCause, StartupError } from './errors/StartupError';
import { createLogger } from './server/logger';

/**
 * Stopping waits for in-flight requests (Apollo's drain gives them 10 s, then closes their connections) and then
 * closes the database. Past this, something hangs (a database that stopped answering): exit 1 rather than never.
 */
const SHUTDOWN_TIMEOUT_MS = 20_000;

async function main(): Promise<void> {
  let logger;
  let app;
  try {
    // Inside the try: an invalid LOG_LEVEL is a startup error like any other setting.
    logger = createLogger();
    app = await startApp(loadSettings(), logger);
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`model-admin-graphql: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  logger.info({ url: `${app.url}/graphql` }, 'model-admin-graphql is listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'stopping took too long: exiting anyway');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`model-admin-graphql: failed to start: ${describeCause(error)}\n`);
  process.exit(1);
});
