/**
 * The shape of every file that decides what is reviewed. A Chart.yaml that is a list, whose
 * `dependencies` is a string, or a values file that is a scalar would otherwise make a chart fall
 * back to "no dependencies" or "no values" without a word: each is a finding (rule `input`) on the
 * file's first line (or on the offending key), and the chart is still reviewed with what is usable.
 */
import { z } from 'zod';
import type { FileProblem, Location } from '../types.ts';
import type { YamlDocument } from '../yaml/parse.ts';
import type { Chart } from './charts.ts';
import type { YamlFile } from './files.ts';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** What Helm itself requires of Chart.yaml's types (helm lint rejects the rest). */
const chartYamlSchema = z.looseObject({
  apiVersion: z.string().optional(),
  name: z.string().optional(),
  version: scalar.optional(),
  type: z.enum(['application', 'library']).optional(),
  annotations: z.record(z.string(), scalar.nullable()).nullable().optional(),
  dependencies: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        version: scalar.optional(),
        repository: z.string().optional(),
        alias: z.string().optional(),
        condition: z.string().optional(),
        tags: z.array(z.string()).optional(),
      }),
    )
    .nullable()
    .optional(),
});

/** Values and environment overlays: a mapping (or nothing at all: an empty file is no values). */
const valuesSchema = z.record(z.string(), z.unknown()).nullable();

export function chartShapeProblems(chart: Chart, yamlFiles: ReadonlyMap<string, YamlFile>): FileProblem[] {
  const problems: FileProblem[] = [];
  const chartFile = yamlFiles.get(chart.chartYamlPath);
  const chartDoc = chartFile?.parsed.docs[0];
  if (chartDoc) {
    if (!isMapping(chartDoc.value)) {
      problems.push(
        onFirstLine(
          chart.chartYamlPath,
          chartDoc,
          'chart-invalid',
          `${chart.chartYamlPath} is ${describe(chartDoc.value)}, not a mapping of chart metadata: this chart's dependencies, type and annotations are unknown, so it is reviewed as a plain application chart`,
        ),
      );
    } else {
      const result = chartYamlSchema.safeParse(chartDoc.value);
      if (!result.success) {
        for (const issue of result.error.issues.slice(0, 10)) {
          const at = chartDoc.locate(issue.path.map((p) => (typeof p === 'number' ? p : String(p))));
          const where = issue.path.map(String).join('.');
          problems.push({
            ...at,
            path: chart.chartYamlPath,
            code: 'chart-invalid',
            message: `${chart.chartYamlPath}: ${where} ${describeIssue(issue.message)}; what cannot be read is left out of this chart's review`,
          });
        }
      }
    }
  }
  const layers = [chart.valuesFile, ...chart.environmentFiles.values()].filter((p): p is string => p !== undefined);
  for (const file of layers) {
    const parsed = yamlFiles.get(file);
    const doc = parsed?.parsed.docs[0];
    if (!doc) continue;
    if (!valuesSchema.safeParse(doc.value).success) {
      problems.push(
        onFirstLine(file, doc, 'values-invalid', `${file} is ${describe(doc.value)}, not a mapping of values: Helm refuses it, and none of it was reviewed`),
      );
    }
    if (parsed.parsed.docs.length > 1) {
      const extra = parsed.parsed.docs[1]!;
      problems.push({
        ...firstLineOf(extra),
        path: file,
        code: 'values-invalid',
        message: `${file} has ${parsed.parsed.docs.length} YAML documents; Helm reads only the first, and so does this review`,
      });
    }
  }
  return problems;
}

function isMapping(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value === 'object' ? 'mapping' : typeof value === 'string' ? 'string' : typeof value}`;
}

function describeIssue(message: string): string {
  return `is invalid: ${message.replace(/^Invalid (?:input|option): /, '')}`;
}

function firstLineOf(doc: YamlDocument): Location {
  const span = doc.span;
  return { path: '', line: span.line, column: span.column, endLine: span.line, endColumn: span.line === span.endLine ? span.endColumn : span.column };
}

function onFirstLine(path: string, doc: YamlDocument, code: FileProblem['code'], message: string): FileProblem {
  return { ...firstLineOf(doc), path, code, message };
}
