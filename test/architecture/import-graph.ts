/**
 * The import graph of the sources and the layering it must follow. Imports are read with the
 * TypeScript compiler's own pre-processor (static, `export … from`, `import type` and dynamic
 * `import()`; comments and strings are not imports), so the graph is the one the compiler sees.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Lowest first: a module may import its own layer and the layers below it, never one above. */
export const LAYERS: ReadonlyArray<{ name: string; folders: readonly string[] }> = [
  { name: 'shared types', folders: ['src/types.ts'] },
  { name: 'source', folders: ['src/source/'] },
  // src/seal/ is the Sealed Secrets format and its cryptography, a domain library like src/k8s/:
  // the fixes beside the rules seal with it, so it sits below the engine.
  { name: 'model', folders: ['src/config/', 'src/model/', 'src/yaml/', 'src/k8s/', 'src/helm/', 'src/netpol/', 'src/seal/'] },
  { name: 'engine with rules', folders: ['src/engine/', 'rules/'] },
  { name: 'reporters and fixers', folders: ['src/report/', 'src/fix/'] },
  { name: 'adapters', folders: ['src/cli/', 'src/app/', 'api/'] },
];

/**
 * The adapters share a layer but not their code: the CLI and the App each stand alone, and only
 * the Vercel entry (api/) reaches into the App.
 */
const ADAPTERS = ['src/cli/', 'src/app/', 'api/'];
const ADAPTER_MAY_IMPORT: Readonly<Record<string, readonly string[]>> = { 'api/': ['src/app/'] };

/** Source file (repository-relative, `/`-separated) → the repository files it imports. */
export type ImportGraph = ReadonlyMap<string, ReadonlyArray<{ target: string; line: number }>>;

/** Every .ts under `folders` of `root`, with its relative imports resolved to repository paths. */
export function readImportGraph(root: string, folders: readonly string[]): ImportGraph {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts')) files[child] = readFileSync(path.join(root, child), 'utf8');
    }
  };
  for (const folder of folders) walk(folder);
  return importGraphOf(files);
}

/** The graph of the given texts (path → TypeScript source); only relative imports are edges. */
export function importGraphOf(files: Readonly<Record<string, string>>): ImportGraph {
  const graph = new Map<string, Array<{ target: string; line: number }>>();
  for (const [file, text] of Object.entries(files)) {
    const edges: Array<{ target: string; line: number }> = [];
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue; // a package, not ours
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), imported.fileName));
      edges.push({ target, line: text.slice(0, imported.pos).split('\n').length });
    }
    graph.set(file, edges);
  }
  return graph;
}

export function layerOf(file: string): number {
  return LAYERS.findIndex((layer) => layer.folders.some((folder) => (folder.endsWith('/') ? file.startsWith(folder) : file === folder)));
}

const adapterOf = (file: string): string | undefined => ADAPTERS.find((folder) => file.startsWith(folder));

/** One sentence per import against the layering, naming the importing line and the imported file. */
export function layeringViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [file, edges] of graph) {
    const from = layerOf(file);
    if (from < 0) {
      out.push(`${file} is in no layer: add its folder to LAYERS in test/architecture/import-graph.ts`);
      continue;
    }
    for (const { target, line } of edges) {
      const to = layerOf(target);
      const at = `${file}:${line} imports ${target}`;
      if (to < 0) out.push(`${at}, which is in no layer`);
      else if (to > from) out.push(`${at}: the ${LAYERS[from]!.name} layer must not depend on the ${LAYERS[to]!.name} layer above it`);
      else {
        const [source, imported] = [adapterOf(file), adapterOf(target)];
        if (source && imported && source !== imported && !ADAPTER_MAY_IMPORT[source]?.includes(imported)) {
          out.push(`${at}: the adapter ${source} must not depend on the adapter ${imported}`);
        }
      }
    }
  }
  return out;
}

/** Import cycles among the files under `folder`, each as `a → b → … → a` (Tarjan's components). */
export function cyclesWithin(graph: ImportGraph, folder: string): string[] {
  const nodes = [...graph.keys()].filter((f) => f.startsWith(folder)).sort();
  const next = (file: string): string[] => [...new Set((graph.get(file) ?? []).map((e) => e.target).filter((t) => t.startsWith(folder) && graph.has(t)))];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next(node)) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || next(node).includes(node)) components.push(component);
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.map((component) => cyclePath(component, next).join(' → '));
}

/** A concrete loop through a strongly connected component, from its first file back to it. */
function cyclePath(component: readonly string[], next: (file: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of next(node).filter((t) => members.has(t))) {
      if (target === start) {
        const loop = [node];
        while (loop[0] !== start) loop.unshift(previous.get(loop[0]!)!);
        return [...loop, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [...component, start];
}
