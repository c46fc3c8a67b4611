// The folders of src/ form layers: each may import only from the folders below it, and no file imports itself back
// through others. README.md ("Layout") says what each layer holds.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.join(__dirname, '..', '..', '..', 'src');

/** Top to bottom. `(root)` is the entry points (main.ts, migrate.ts, …). */
const LAYERS = [
  '(root)',
  'app',
  'server',
  'live',
  'admin',
  'encryption',
  'audit',
  'models',
  'credentials',
  'teams',
  'graphql',
  'request',
  'access',
  'database',
  'config',
  'crypto',
  'errors',
];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

function folderOf(file: string): string {
  const relative = path.relative(SRC, file);
  return relative.includes(path.sep) ? relative.split(path.sep)[0] : '(root)';
}

/** Every file's relative imports, type-only ones included (a cycle of types is a cycle too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => path.resolve(path.dirname(file), name))
      .map((target) => (target.endsWith('.ts') ? target : `${target}.ts`));
    graph.set(file, targets);
  }
  return graph;
}

describe('the layers of src/', () => {
  const graph = importGraph();

  it('names every folder of src/ in the layer table', () => {
    const folders = new Set([...graph.keys()].map(folderOf));
    expect([...folders].filter((folder) => !LAYERS.includes(folder))).toEqual([]);
  });

  it('has every import point down the layers (or within a folder)', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const from = LAYERS.indexOf(folderOf(file));
        const to = LAYERS.indexOf(folderOf(target));
        if (to < from) upward.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map((step) => path.relative(SRC, step)).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
