#!/usr/bin/env node
// The GitHub Action's entry (action.yml): runs `bplus check` on the checkout with the Action's
// inputs, prints the findings as workflow commands (the runner turns them into annotations),
// writes SARIF for code scanning, a job summary, and the step outputs. Plain JavaScript, so that
// it runs before anything is built; the review itself is the CLI (bin/bplus.js).
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
const input = (name, fallback = '') => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim() || fallback;
const workspace = env.GITHUB_WORKSPACE || process.cwd();

const dir = path.resolve(workspace, input('path', '.'));
const sarifFile = path.resolve(workspace, input('sarif-file', 'bplus.sarif'));
const args = ['check', dir, '--format', 'github', '--sarif', sarifFile, '--fail-on', input('fail-on', 'failure')];
if (input('config')) args.push('--config', path.resolve(workspace, input('config')));
if (input('changed-since')) args.push('--changed-since', input('changed-since'));
if (input('baseline')) args.push('--baseline', path.resolve(workspace, input('baseline')));
if (/^(true|yes|1)$/i.test(input('quiet'))) args.push('--quiet');
if (input('locale')) args.push('--locale', input('locale'));

const cli = fileURLToPath(new URL('./bplus.js', import.meta.url));
const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...env, NO_COLOR: '1' } });
// Paths in the CLI's output are relative to the reviewed directory; annotations need them relative
// to the workspace (the repository root), so a `path` below the root is prefixed to them.
const prefix = path.relative(workspace, dir).split(path.sep).join('/');
const escapeProperty = (text) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
const relocate = (line) => (prefix && !prefix.startsWith('..') ? line.replace(/^(::(?:error|warning|notice) file=)/, `$1${escapeProperty(prefix)}/`) : line);
let output = '';
let pending = '';
child.stdout.on('data', (chunk) => {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    output += `${line}\n`;
    process.stdout.write(`${relocate(line)}\n`);
  }
});
const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 2)));
if (pending) {
  output += pending;
  process.stdout.write(relocate(pending));
}

const summaryLine = output.trimEnd().split('\n').at(-1) ?? '';
if (env.GITHUB_OUTPUT) {
  appendFileSync(env.GITHUB_OUTPUT, `exit-code=${code}\nsarif-file=${existsSync(sarifFile) ? sarifFile : ''}\nsummary=${summaryLine.replace(/\r?\n/g, ' ')}\n`);
}
if (env.GITHUB_STEP_SUMMARY) {
  const verdict =
    code === 0 ? '✅ passed' : code === 1 ? `❌ failed (--fail-on ${input('fail-on', 'failure')})` : '⚠️ could not run (usage or configuration error)';
  const lines = [`### bplus: ${verdict}`, '', summaryLine.replace(/^bplus: /, ''), ''];
  if (existsSync(sarifFile)) {
    const results = JSON.parse(readFileSync(sarifFile, 'utf8')).runs?.[0]?.results ?? [];
    const shown = results.filter((r) => !r.suppressions).slice(0, 50);
    if (shown.length) lines.push('| rule | where | message |', '|---|---|---|');
    for (const r of shown) {
      const loc = r.locations?.[0]?.physicalLocation;
      const file = decodeURI(loc?.artifactLocation.uri ?? '');
      const where = loc ? `${prefix && !prefix.startsWith('..') ? `${prefix}/` : ''}${file}:${loc.region.startLine}` : '';
      lines.push(`| ${r.ruleId} | \`${where}\` | ${String(r.message.text).replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    }
    if (results.length > shown.length) lines.push('', `(${results.length - shown.length} more in the SARIF file and the annotations)`);
  }
  appendFileSync(env.GITHUB_STEP_SUMMARY, `${lines.join('\n')}\n`);
}
process.exitCode = code;
