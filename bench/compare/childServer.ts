// A contestant's server as a child process: started, waited for, measured (peak RSS), and always stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const READY_TIMEOUT_MS = 60_000;
export const STOP_GRACE_MS = 15_000;

export interface ChildServerOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where the child's stdout and stderr go. */
  logFile: string;
  /** Resolves true once the server answers. */
  isReady(baseUrl: string): Promise<boolean>;
  port: number;
  /** The signal that stops it cleanly (default SIGTERM): a process ended by a signal it does not handle writes no --cpu-prof profile. */
  stopSignal?: NodeJS.Signals;
}

export interface ChildServer {
  baseUrl: string;
  pid: number;
  /** VmHWM: the most resident memory the process has held so far, in bytes. */
  peakRssBytes(): number;
  /** CPU time (user + system) the process has used so far, in milliseconds: a load-independent cost measure. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Every child still running, and the signal that stops it. */
const running = new Map<ChildProcess, NodeJS.Signals>();

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log] });
  running.set(child, options.stopSignal ?? 'SIGTERM');
  child.once('exit', () => running.delete(child));
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const server: ChildServer = {
    baseUrl,
    pid: child.pid!,
    peakRssBytes: () => peakRssBytes(child.pid!),
    cpuMs: () => cpuMs(child.pid!),
    stop: () => stopChild(child, options.stopSignal ?? 'SIGTERM'),
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await options.isReady(baseUrl).catch(() => false))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}) before it answered; see ${options.logFile}`);
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${options.name} did not answer within ${READY_TIMEOUT_MS / 1000} s; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return server;
}

/** Every child still running, stopped: for the end of the run, whatever happened. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map(([child, signal]) => stopChild(child, signal)));
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function peakRssBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** utime + stime from /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms on Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

const CLOCK_TICK_MS = 10;

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
