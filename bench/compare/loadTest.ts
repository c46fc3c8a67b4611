// One autocannon run against one server and case; responses are checked so errors cannot pass for speed.
import autocannon from 'autocannon';
import type { RequestFactory } from './benchCases';

export interface LoadOptions {
  baseUrl: string;
  headers: Record<string, string>;
  nextRequest: RequestFactory;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  durationSeconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, GraphQL errors, timeouts and socket errors. */
  failures: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'POST',
        headers: options.headers,
        setupRequest: (request) => ({ ...request, ...options.nextRequest() }),
      },
    ],
    // A GraphQL error comes with status 200: count it as a failure, not as a fast answer.
    verifyBody: (body) => typeof body === 'string' && !body.includes('"errors"'),
  });
  return {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    durationSeconds: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.mismatches + result.errors + result.timeouts,
  };
}

/** One request sent the ordinary way, its answer parsed: to check a contestant answers the case correctly. */
export async function sendOnce(baseUrl: string, headers: Record<string, string>, nextRequest: RequestFactory): Promise<{ status: number; body: any }> {
  const { path, body } = nextRequest();
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}
