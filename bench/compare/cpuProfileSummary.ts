// Where a V8 .cpuprofile (node --cpu-prof) spent its time: the functions with the most self time (where
// to look first) and with the most total time, callees included (which layer a request's time goes to).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const TOP_FUNCTIONS = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarizeCpuProfile(file: string, top = TOP_FUNCTIONS): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfTime = new Map<string, number>();
  const totalTime = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    total += delta;
    const leaf = frameName(nodes.get(id)!);
    selfTime.set(leaf, (selfTime.get(leaf) ?? 0) + delta);
    // Each function on the sampled stack once, however deep it recurses.
    const onStack = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parents.get(node)) onStack.add(frameName(nodes.get(node)!));
    for (const name of onStack) totalTime.set(name, (totalTime.get(name) ?? 0) + delta);
  });
  const ranked = (times: Map<string, number>) =>
    [...times.entries()]
      .filter(([name]) => name !== '(root)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  return [
    `CPU profile ${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, top ${top} by self time`,
    ...ranked(selfTime),
    `top ${top} by total time (callees included)`,
    ...ranked(totalTime),
  ].join('\n');
}

function frameName({ callFrame: { functionName, url, lineNumber } }: ProfileNode): string {
  const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

function shortUrl(url: string): string {
  const withoutScheme = url.replace(/^file:\/\//, '');
  const modules = withoutScheme.lastIndexOf('node_modules/');
  return modules >= 0 ? withoutScheme.slice(modules + 'node_modules/'.length) : path.relative(process.cwd(), withoutScheme);
}
