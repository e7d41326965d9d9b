/**
 * The GitHub Action: its entry (bin/action.js, what action.yml runs) on a repository with
 * violations, as the runner would call it: workflow-command annotations on stdout that point at
 * the right lines, a SARIF file valid against the 2.1.0 schema, the step outputs and job summary.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { materializeDemo } from '../../src/cli/demo-command.ts';
import { sarifValidator } from '../helpers/sarif-schema.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Annotation {
  command: string;
  props: Record<string, string>;
  message: string;
}

/** Parses `::command k=v,k=v::message` as the runner does (unescaping %25, %0D, %0A, %3A, %2C). */
function parseCommand(line: string): Annotation | undefined {
  const m = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (!m) return undefined;
  const unescape = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const props = Object.fromEntries(m[2]!.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), unescape(kv.slice(kv.indexOf('=') + 1))]));
  return { command: m[1]!, props, message: unescape(m[3]!) };
}

async function runAction(workspace: string, inputs: Record<string, string>) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'bplus-action-out-'));
  dirs.push(tmp);
  const outputFile = path.join(tmp, 'output');
  const summaryFile = path.join(tmp, 'summary.md');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = { ...process.env, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const result = await run(process.execPath, [path.join(ROOT, 'bin/action.js')], { cwd: workspace, env, maxBuffer: 32 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  const outputs = Object.fromEntries(
    (await readFile(outputFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { ...result, outputs, summary: await readFile(summaryFile, 'utf8') };
}

describe('the GitHub Action', () => {
  it('annotates the violating lines, writes valid SARIF, outputs and a job summary, and fails', async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'bplus-action-'));
    dirs.push(workspace);
    await materializeDemo(workspace);
    const { code, stdout, outputs, summary } = await runAction(workspace, { 'fail-on': 'failure', 'sarif-file': 'out/bplus.sarif' });
    expect(code).toBe(1);
    const annotations = stdout
      .split('\n')
      .map(parseCommand)
      .filter((a): a is Annotation => a !== undefined);
    expect(annotations.length).toBe(6);
    for (const a of annotations) {
      expect(a.command).toBe('error');
      expect(a.props.title).toMatch(/^(TR-K8S-\d|input): /);
      expect(Number(a.props.endLine)).toBeGreaterThanOrEqual(Number(a.props.line));
      // The file is relative to the workspace and the line exists there.
      const text = await readFile(path.join(workspace, a.props.file!), 'utf8');
      expect(text.split('\n').length).toBeGreaterThanOrEqual(Number(a.props.line));
    }
    const limits = annotations.find((a) => a.message.includes('limits.cpu'))!;
    expect(limits.props).toMatchObject({ file: 'charts/api-gateway/values.yaml', title: 'TR-K8S-3: Requests and limits on every container' });
    const lines = (await readFile(path.join(workspace, 'charts/api-gateway/values.yaml'), 'utf8')).split('\n');
    expect(lines[Number(limits.props.line) - 1]).toMatch(/^resources:/);
    expect(stdout).toMatch(/^bplus: 6 failures, 0 warnings, 0 notices$/m);

    expect(outputs['exit-code']).toBe('1');
    expect(outputs['sarif-file']).toBe(path.join(workspace, 'out/bplus.sarif'));
    const sarif = JSON.parse(await readFile(outputs['sarif-file']!, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarifValidator()(sarif)).toEqual([]);
    expect((sarif as unknown as { runs: Array<{ originalUriBaseIds: Record<string, { uri: string }> }> }).runs[0]!.originalUriBaseIds['%SRCROOT%']!.uri).toBe(
      pathToFileURL(`${workspace}/`).href,
    );
    expect(sarif.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(['TR-K8S-3', 'TR-K8S-3', 'TR-K8S-5', 'TR-K8S-7', 'TR-K8S-9', 'input']);
    expect(summary).toMatch(/^### bplus: ❌ failed \(--fail-on failure\)/);
    expect(summary).toContain('| TR-K8S-9 | `charts/platform/templates/secret-postgresql.yaml:3` |');
  });

  it('passes with a baseline of the same findings, and says so', async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'bplus-action-'));
    dirs.push(workspace);
    await materializeDemo(workspace);
    await run(process.execPath, [path.join(ROOT, 'bin/bplus.js'), 'check', workspace, '--baseline', path.join(workspace, 'baseline.json'), '--write-baseline']);
    const { code, stdout, outputs } = await runAction(workspace, { baseline: 'baseline.json' });
    expect(code).toBe(0);
    expect(outputs['exit-code']).toBe('0');
    expect(stdout).toMatch(/^bplus: 0 failures, 0 warnings, 0 notices \(6 in the baseline\)$/m);
  });

  it('reviews a directory below the workspace and annotates paths from the workspace root', async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'bplus-action-'));
    dirs.push(workspace);
    await materializeDemo(path.join(workspace, 'deploy', 'gitops'));
    const { code, stdout, summary } = await runAction(workspace, { path: 'deploy/gitops' });
    expect(code).toBe(1);
    const files = stdout
      .split('\n')
      .map(parseCommand)
      .filter((a): a is Annotation => a !== undefined)
      .map((a) => a.props.file!);
    expect(files).toHaveLength(6);
    for (const file of files) expect(file).toMatch(/^deploy\/gitops\/charts\//);
    expect(summary).toContain('`deploy/gitops/charts/platform/templates/secret-postgresql.yaml:3`');
  });

  it('action.yml passes every input to the entry and the entry reads only declared inputs', async () => {
    const action = yaml.load(await readFile(path.join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
      runs: { using: string; steps: Array<{ id?: string; env?: Record<string, string>; with?: Record<string, string> }> };
    };
    expect(action.runs.using).toBe('composite');
    const step = action.runs.steps.find((s) => s.id === 'check')!;
    const passed = Object.entries(step.env ?? {}).map(([k, v]) => {
      expect(v).toBe(`\${{ inputs.${k.slice('INPUT_'.length).toLowerCase()} }}`);
      return k.slice('INPUT_'.length).toLowerCase();
    });
    const entry = await readFile(path.join(ROOT, 'bin/action.js'), 'utf8');
    const read = [...entry.matchAll(/input\('([a-z-]+)'/g)].map((m) => m[1]!);
    for (const name of read) {
      expect(Object.keys(action.inputs), name).toContain(name);
      expect(passed, name).toContain(name);
    }
    expect(action.runs.steps.find((s) => s.with?.sarif_file)?.with?.sarif_file).toBe('${{ steps.check.outputs.sarif-file }}');
  });
});
