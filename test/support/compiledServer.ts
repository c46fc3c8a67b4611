// The compiled server (`node dist/src/main.js`, built by `npm test`) as a child process, started as a user
// starts it: none of this process's server settings, no jest NODE_OPTIONS, a working folder of the test's choosing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const COMPILED_MAIN = path.resolve(__dirname, '../../dist/src/main.js');
const LISTENING_MESSAGE = 'model-admin-graphql is listening';
const DEFAULT_START_TIMEOUT_MS = 45_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/** The variables the server reads, cleared so each child sees only what a test gives it. */
const SERVER_VARIABLES = [
  'DATABASE_URL', 'DATABASE_POOL_SIZE', 'PORT', 'HOST', 'LITELLM_MASTER_KEY', 'LITELLM_SALT_KEY',
  'CONFIG_FILE', 'DATA_DIR', 'LOG_LEVEL', 'NODE_ENV', 'GRAPHIQL', 'REQUEST_TIMEOUT_MS',
  'LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION', 'LIVE_MAX_CONNECTIONS_PER_KEY', 'LIVE_KEY_RECHECK_MS', 'LIVE_ALLOWED_ORIGINS',
];

export interface CompiledServerOutput {
  stdout: string;
  stderr: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when it exited. */
  at: number;
}

export interface CompiledServer {
  child: ChildProcess;
  /** Base URL, as TestServer.url: the API is at `${url}/graphql`. */
  url: string;
  /** Everything it wrote so far (read to the end, so the child never blocks on a full pipe). */
  output: CompiledServerOutput;
  exited: Promise<Exit>;
  /** Sends the signal; resolves with the exit code, rejects (after a SIGKILL) when the process outlives `timeoutMs`. */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface CompiledServerOptions {
  /** Its working folder: keep it outside the repository, so no ./config.yaml or ./.data is picked up. */
  cwd: string;
  startTimeoutMs?: number;
}

/** The child's environment: this one without the server's variables, NODE_OPTIONS and NODE_ENV (jest sets "test"), with PORT 0 and `settings`. */
function childEnvironment(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const name of SERVER_VARIABLES) delete env[name];
  return { ...env, PORT: '0', ...settings };
}

function spawnCompiledServer(settings: Record<string, string>, cwd: string) {
  if (!existsSync(COMPILED_MAIN)) throw new Error(`${COMPILED_MAIN} is missing: run npm run build (npm test does) first`);
  const child = spawn(process.execPath, [COMPILED_MAIN], { cwd, env: childEnvironment(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  const output: CompiledServerOutput = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  return { child, output, exited };
}

/** Resolves with the exit code; after `timeoutMs` kills the child and rejects. */
export async function exitCodeOf(child: ChildProcess, exited: Promise<Exit>, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return (await Promise.race([exited, timedOut])).code;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the server and waits for its "listening" log line. */
export async function startCompiledServer(settings: Record<string, string>, options: CompiledServerOptions): Promise<CompiledServer> {
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const { child, output, exited } = spawnCompiledServer(settings, options.cwd);
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (problem: string) => {
      detach();
      child.kill('SIGKILL');
      reject(new Error(`${problem}; stderr: ${output.stderr}`));
    };
    const timer = setTimeout(() => fail(`the server did not listen within ${startTimeoutMs} ms`), startTimeoutMs);
    const onExit = (code: number | null) => fail(`the server exited with ${code} before listening`);
    const onOutput = () => {
      const listening = listeningUrl(output.stdout);
      if (!listening) return;
      detach();
      resolve(listening.replace(/\/graphql$/, ''));
    };
    function detach() {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onOutput);
    }
    child.once('exit', onExit);
    child.stdout!.on('data', onOutput);
  });
  return {
    child,
    url,
    output,
    exited,
    stop: (signal, timeoutMs = DEFAULT_STOP_TIMEOUT_MS) => {
      child.kill(signal);
      return exitCodeOf(child, exited, timeoutMs);
    },
  };
}

/** Runs the server expecting it to give up on its own: what it wrote and its exit code. */
export async function runCompiledServerToExit(settings: Record<string, string>, options: CompiledServerOptions): Promise<CompiledServerOutput & { code: number | null }> {
  const { child, output, exited } = spawnCompiledServer(settings, options.cwd);
  const code = await exitCodeOf(child, exited, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  return { ...output, code };
}

function listeningUrl(stdout: string): string | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === LISTENING_MESSAGE) return entry.url;
    } catch {
      // A line still being written.
    }
  }
  return undefined;
}
