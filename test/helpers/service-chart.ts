/** Small service-chart repositories for rule tables (no test framework imports: scripts can use it). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Files = Record<string, string>;

const LIBRARY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/balance-plus/charts/library');

/** The bundled library chart's files (`charts/library/<name>/...`), read once. */
const libraryFiles = new Map<string, Files>();
export function bundledLibrary(library: string): Files {
  let files = libraryFiles.get(library);
  if (!files) {
    files = {};
    const root = path.join(LIBRARY_DIR, library);
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        // Without its values.schema.json: the rule, not the schema, judges what the case sets.
        else if (entry.name !== 'values.schema.json') {
          files![`charts/library/${library}/${path.relative(root, full).split(path.sep).join('/')}`] = readFileSync(full, 'utf8');
        }
      }
    };
    if (existsSync(root)) walk(root);
    libraryFiles.set(library, files);
  }
  return files;
}

/**
 * A minimal service chart on a platform library: Chart.yaml, the include, values files, and the
 * bundled library itself (Helm renders the chart through it), without the library's values schema
 * so that Helm renders what the case sets and the rule judges it (the fixture variants cover the
 * schema's refusals).
 */
export function serviceChart(name: string, library: string, values: string, prodValues?: string): Files {
  const files: Files = {
    ...bundledLibrary(library),
    [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ntype: application\ndependencies:\n  - name: ${library}\n    version: ${libraryVersion(library)}\n    repository: file://../library/${library}\n`,
    [`charts/${name}/templates/all.yaml`]: `{{ include "${library}.all" . }}\n`,
    [`charts/${name}/values.yaml`]: withRequired(library, name, values, prodValues),
  };
  if (prodValues !== undefined) files[`charts/${name}/values-prod.yaml`] = prodValues;
  return files;
}

/**
 * What the bundled libraries cannot render without: `image` (`{{ .Values.image.repository }}`)
 * and, for Celery workers, `celery.app` (`required`). A case that does not set them gets them
 * appended at the end of values.yaml, so the lines a case expects do not move.
 */
function withRequired(library: string, name: string, values: string, prodValues?: string): string {
  const sets = (key: string): boolean => new RegExp(`^${key}:`, 'm').test(values) || new RegExp(`^${key}:`, 'm').test(prodValues ?? '');
  let extra = '';
  if (!sets('image')) extra += `image:\n  repository: registry.example/${name}\n  tag: "1.0.0"\n`;
  if (library === 'python-celery-worker' && !sets('celery')) extra += `celery:\n  app: ${name.replace(/-/g, '_')}.worker\n`;
  if (!extra) return values;
  const sep = values === '' || values.endsWith('\n') ? '' : '\n';
  return `${values}${sep}${extra}`;
}

/** The bundled library's own version (a service chart pins exactly that, or TR-K8S-2 objects). */
export function libraryVersion(library: string): string {
  const chart = bundledLibrary(library)[`charts/library/${library}/Chart.yaml`] ?? '';
  return /^version:\s*(\S+)/m.exec(chart)?.[1] ?? '1.0.0';
}
