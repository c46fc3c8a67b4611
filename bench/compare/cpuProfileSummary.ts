// The functions a V8 .cpuprofile (node --cpu-prof) spent the most self time in: where to look first.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const TOP_FUNCTIONS = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarizeCpuProfile(file: string, top = TOP_FUNCTIONS): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    const delta = profile.timeDeltas[index] ?? 0;
    selfTime.set(key, (selfTime.get(key) ?? 0) + delta);
    total += delta;
  });
  const lines = [...selfTime.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => `  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  return [`CPU profile ${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, top ${top} by self time`, ...lines].join('\n');
}

function shortUrl(url: string): string {
  const withoutScheme = url.replace(/^file:\/\//, '');
  const modules = withoutScheme.lastIndexOf('node_modules/');
  return modules >= 0 ? withoutScheme.slice(modules + 'node_modules/'.length) : path.relative(process.cwd(), withoutScheme);
}
