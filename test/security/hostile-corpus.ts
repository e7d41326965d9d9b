/**
 * The hostile corpus: repositories an attacker could open a pull request with. Each case writes a
 * small repository into `repo` (a service chart, a raw Deployment and a Namespace, so that every
 * command has something to do) and then its attack; `outside` is a directory next to it holding
 * the sentinel, a file whose content and mtime must never change and never appear in any output.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SENTINEL_TEXT = 'sentinel-value-outside-the-repository-3f9a';
export const SENTINEL_YAML = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${SENTINEL_TEXT}, namespace: balance-plus}\ndata: {password: ${SENTINEL_TEXT}}\n`;

export type Command = 'check' | 'fix-dry-run' | 'fix' | 'netpol' | 'seal';

export interface HostileCase {
  name: string;
  /** Writes the attack into `repo` (a base repository is already there). */
  build(repo: string, outside: string): void;
  /** Commands to run (default: check, fix --dry-run, netpol, fix). */
  commands?: Command[];
  /** Expected exit codes per command (default: any of 0, 1, 2, but never a crash). */
  exit?: Partial<Record<Command, number[]>>;
  /** A substring (or pattern) the check's output must contain: the finding that names the attack. */
  reported?: RegExp;
  /** Extra arguments per command. */
  args?: Partial<Record<Command, string[]>>;
}

const CHART = 'apiVersion: v2\nname: api\nversion: 1.0.0\ndependencies:\n  - name: python-fastapi-service\n    version: 1.0.0\n';
const LIBRARY = 'apiVersion: v2\nname: python-fastapi-service\nversion: 1.0.0\ntype: library\n';
const VALUES = 'replicaCount: 2\nresources:\n  requests: {cpu: 100m, memory: 128Mi}\n  limits: {cpu: 500m, memory: 256Mi}\n';
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: balance-plus\n';
const DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: raw, namespace: balance-plus, labels: {app: raw}}\nspec:\n  selector: {matchLabels: {app: raw}}\n  template:\n    metadata: {labels: {app: raw}}\n    spec:\n      containers: [{name: raw, image: "raw:1", resources: {requests: {cpu: 1, memory: 1Gi}, limits: {cpu: 1, memory: 1Gi}}}]\n';
export const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: balance-plus}\nstringData: {password: hunter2}\n';

export function writeBase(repo: string): void {
  write(repo, 'charts/library/python-fastapi-service/Chart.yaml', LIBRARY);
  write(repo, 'charts/api/Chart.yaml', CHART);
  write(repo, 'charts/api/values.yaml', VALUES);
  write(repo, 'charts/api/values-prod.yaml', 'replicaCount: 3\n');
  write(repo, 'manifests/namespace.yaml', NAMESPACE);
  write(repo, 'manifests/deployment.yaml', DEPLOYMENT);
  write(repo, 'secrets/db.yaml', SECRET);
}

export function write(repo: string, file: string, content: string | Buffer): void {
  const full = path.join(repo, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
}

function replaceWithLink(repo: string, file: string, target: string): void {
  const full = path.join(repo, file);
  rmSync(full, { recursive: true, force: true });
  mkdirSync(path.dirname(full), { recursive: true });
  symlinkSync(target, full);
}

function gitInit(repo: string): void {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-qm', 'base'],
  ])
    execFileSync('git', args, { cwd: repo, stdio: 'pipe', env });
}

const sentinelOf = (outside: string) => path.join(outside, 'sentinel.yaml');

/** `depth` levels of aliases, each `width` references to the level below: width^depth nodes. */
function billionLaughs(depth: number, width: number): string {
  const lines = ['a0: &a0 "lol"'];
  for (let i = 1; i <= depth; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** Every key of the configuration with a value of each wrong type. */
export function wrongConfigTypes(): Array<[string, string]> {
  const keys: Array<[string, string]> = [
    ['production', 'map'],
    ['production.environments', 'list'],
    ['production.namespace', 'string'],
    ['libraries', 'map'],
    ['values', 'map'],
    ['values.resources', 'string'],
    ['ingress', 'map'],
    ['ingress.classNames', 'list'],
    ['ingress.requireTls', 'bool'],
    ['network', 'map'],
    ['network.allow', 'list'],
    ['network.forbid', 'list'],
    ['network.undeclared', 'string'],
    ['rules', 'map'],
    ['recommended', 'bool'],
    ['ignore', 'list'],
    ['exceptions', 'list'],
    ['review', 'map'],
    ['review.failOn', 'string'],
    ['limits', 'map'],
    ['limits.maxFileBytes', 'number'],
    ['limits.maxObjects', 'number'],
    ['defaults', 'map'],
    ['defaults.resources', 'map'],
    ['defaults.autoscaling', 'map'],
  ];
  const wrong: Record<string, string[]> = {
    map: ['[a, b]', '"text"', '42', 'true'],
    list: ['{a: 1}', '"text"', '42'],
    string: ['[a]', '{a: 1}'],
    bool: ['"yes please"', '[true]'],
    number: ['"many"', '-1', '1.5', '[1]', '1e400'],
  };
  const cases: Array<[string, string]> = [];
  for (const [key, type] of keys) {
    for (const value of wrong[type]!) {
      const parts = key.split('.');
      const text = parts.map((p, i) => `${'  '.repeat(i)}${p}:${i === parts.length - 1 ? ` ${value}` : ''}`).join('\n');
      cases.push([`${key} = ${value}`, `${text}\n`]);
    }
  }
  return cases;
}

const CHECK_FAILS = { check: [1] };

export function hostileCases(): HostileCase[] {
  const cases: HostileCase[] = [
    // --- YAML bombs and malformed text -----------------------------------------------------
    { name: 'billion laughs in values.yaml', build: (r) => write(r, 'charts/api/values.yaml', billionLaughs(9, 9)), exit: CHECK_FAILS, reported: /alias bomb/ },
    { name: 'billion laughs in a manifest', build: (r) => write(r, 'manifests/bomb.yaml', billionLaughs(12, 10)), exit: CHECK_FAILS, reported: /alias bomb/ },
    {
      name: 'a scalar repeated through aliases into a ConfigMap',
      build: (r) =>
        write(
          r,
          'manifests/cm.yaml',
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: balance-plus}\nx: &s "${'a'.repeat(500_000)}"\ndata:\n${Array.from({ length: 2_000 }, (_, i) => `  k${i}: *s`).join('\n')}\n`,
        ),
      exit: CHECK_FAILS,
      reported: /limits\.maxExpandedBytes/,
    },
    {
      name: 'keys amplified by a list alias',
      build: (r) =>
        write(r, 'manifests/keys.yaml', `s: &s "${'k'.repeat(400_000)}"\nl: &l [${Array.from({ length: 5_000 }, () => '*s').join(', ')}]\n? *l\n: 1\n`),
      exit: CHECK_FAILS,
      reported: /limits\.maxExpandedBytes/,
    },
    { name: 'merge-key loop', build: (r) => write(r, 'charts/api/values-prod.yaml', 'a: &a\n  <<: *a\n  b: 1\n'), exit: CHECK_FAILS },
    { name: 'self-referencing alias', build: (r) => write(r, 'manifests/loop.yaml', 'a: &a [*a, *a]\n'), exit: CHECK_FAILS },
    { name: 'deep flow nesting', build: (r) => write(r, 'manifests/deep.yaml', `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), exit: CHECK_FAILS },
    {
      name: 'deep block nesting',
      build: (r) => write(r, 'charts/api/values.yaml', Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n'),
    },
    { name: 'a 900 KB line', build: (r) => write(r, 'charts/api/values.yaml', `${VALUES}note: "${'x'.repeat(900_000)}"\n`) },
    { name: 'a 900 KB line of blanks and colons', build: (r) => write(r, 'manifests/blank.yaml', `a: "${' :'.repeat(450_000)}"\n`) },
    { name: 'a 900 KB template line of unclosed actions', build: (r) => write(r, 'charts/api/templates/t.yaml', `a: ${'{{'.repeat(450_000)}\n`) },
    {
      name: 'NUL bytes',
      build: (r) => write(r, 'manifests/nul.yaml', Buffer.from('apiVersion: v1\n\0kind: ConfigMap\n')),
      exit: CHECK_FAILS,
      reported: /binary file/,
    },
    {
      name: 'UTF-16 with a byte-order mark',
      build: (r) => write(r, 'charts/api/values-prod.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('replicaCount: 3\n', 'utf16le')])),
      exit: CHECK_FAILS,
    },
    {
      name: 'invalid UTF-8',
      build: (r) => write(r, 'manifests/latin1.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0xff, 0x0a])),
      exit: CHECK_FAILS,
      reported: /not valid UTF-8/,
    },
    {
      name: '100,000 empty documents',
      build: (r) => write(r, 'manifests/docs.yaml', 'a: 1\n---\n'.repeat(100_000)),
      exit: CHECK_FAILS,
      reported: /limits\.maxDocumentsPerFile/,
    },
    {
      name: 'a file over the size cap',
      build: (r) => write(r, 'manifests/big.yaml', `a: "${'x'.repeat(2 * 1024 * 1024)}"\n`),
      exit: CHECK_FAILS,
      reported: /limits\.maxFileBytes/,
    },
    {
      name: 'a js-yaml function tag',
      build: (r) => write(r, 'manifests/fn.yaml', "a: !!js/function \"function () { require('fs').writeFileSync('/tmp/pwned', 'x') }\"\n"),
      exit: CHECK_FAILS,
    },
    {
      name: 'a URL with credentials in a long value',
      build: (r) => write(r, 'charts/api/values.yaml', `${VALUES}url: "https://user:${'p'.repeat(100)}@${'h'.repeat(5_000)}"\n`),
    },

    // --- shapes ------------------------------------------------------------------------------
    {
      name: 'Chart.yaml that is a list',
      build: (r) => write(r, 'charts/api/Chart.yaml', '- a\n- b\n'),
      exit: CHECK_FAILS,
      reported: /is a list, not a mapping/,
    },
    {
      name: 'Chart.yaml that is a scalar',
      build: (r) => write(r, 'charts/api/Chart.yaml', 'api\n'),
      exit: CHECK_FAILS,
      reported: /is a string, not a mapping/,
    },
    {
      name: 'dependencies that is a string',
      build: (r) => write(r, 'charts/api/Chart.yaml', 'apiVersion: v2\nname: api\nversion: 1.0.0\ndependencies: python-fastapi-service\n'),
      exit: CHECK_FAILS,
      reported: /dependencies is invalid/,
    },
    {
      name: 'values-prod.yaml that is a list',
      build: (r) => write(r, 'charts/api/values-prod.yaml', '- 1\n- 2\n'),
      exit: CHECK_FAILS,
      reported: /values-prod\.yaml is a list/,
    },
    { name: 'values.yaml that is a scalar', build: (r) => write(r, 'charts/api/values.yaml', '42\n'), exit: CHECK_FAILS, reported: /values\.yaml is a number/ },
    {
      name: '10,000 environments',
      build: (r) => write(r, '.github/bplus.yml', `production:\n  environments: [${Array.from({ length: 10_000 }, (_, i) => `e${i}`).join(', ')}]\n`),
      exit: { check: [2], netpol: [0, 2] },
      reported: /limits\.maxEnvironments/,
    },
    {
      name: 'a configuration over 1 MB',
      build: (r) => write(r, '.github/bplus.yml', `ignore: ["${'x'.repeat(2 * 1024 * 1024)}"]\n`),
      exit: { check: [2], netpol: [2] },
      reported: /over the limit/,
    },
    {
      name: '5,000 exceptions',
      build: (r) =>
        write(
          r,
          '.github/bplus.yml',
          `exceptions:\n${Array.from({ length: 5_000 }, (_, i) => `  - {rule: TR-K8S-1, path: "a${i}/**", reason: r}`).join('\n')}\n`,
        ),
      exit: { check: [2] },
      reported: /limits\.maxExceptions/,
    },
    { name: 'ignore globs of many stars', build: (r) => write(r, '.github/bplus.yml', `ignore: ["${'*a'.repeat(2_000)}b", "${'**/'.repeat(500)}x"]\n`) },

    // --- names that are directories, special files, loops ----------------------------------------
    {
      name: 'values.yaml that is a directory',
      build: (r) => {
        rmSync(path.join(r, 'charts/api/values.yaml'));
        mkdirSync(path.join(r, 'charts/api/values.yaml/x.yaml'), { recursive: true });
      },
    },
    {
      name: 'Chart.yaml that is a directory',
      build: (r) => {
        rmSync(path.join(r, 'charts/api/Chart.yaml'));
        mkdirSync(path.join(r, 'charts/api/Chart.yaml'));
      },
    },
    { name: 'the configuration that is a directory', build: (r) => mkdirSync(path.join(r, '.github/bplus.yml'), { recursive: true }) },
    {
      name: 'a FIFO named like a values file',
      build: (r) => {
        rmSync(path.join(r, 'charts/api/values-prod.yaml'));
        execFileSync('mkfifo', [path.join(r, 'charts/api/values-prod.yaml')]);
      },
    },
    {
      name: 'a symlink loop',
      build: (r) => {
        replaceWithLink(r, 'manifests/a.yaml', 'b.yaml');
        replaceWithLink(r, 'manifests/b.yaml', 'a.yaml');
      },
      exit: CHECK_FAILS,
      reported: /loop of symbolic links/,
    },
    { name: 'a directory link loop', build: (r) => replaceWithLink(r, 'manifests/again', '..') },
    { name: 'a link to itself as the configuration', build: (r) => replaceWithLink(r, '.github/bplus.yml', 'bplus.yml') },

    // --- links out of the repository -------------------------------------------------------------
    {
      name: 'configuration linked outside',
      build: (r, o) => replaceWithLink(r, '.github/bplus.yml', sentinelOf(o)),
      exit: { check: [2], netpol: [2] },
      reported: /outside the repository/,
    },
    {
      name: 'values.yaml linked outside',
      build: (r, o) => replaceWithLink(r, 'charts/api/values.yaml', sentinelOf(o)),
      exit: CHECK_FAILS,
      reported: /outside the repository/,
    },
    {
      name: 'values-prod.yaml linked outside (relative)',
      build: (r) => replaceWithLink(r, 'charts/api/values-prod.yaml', '../../../outside/sentinel.yaml'),
      exit: CHECK_FAILS,
      reported: /outside the repository/,
    },
    // Service chart templates are rendered by Helm now: the sentinel must not leak (asserted for
    // every case); whether the refusal is reported on the template is the renderer's to say.
    { name: 'a template linked outside', build: (r, o) => replaceWithLink(r, 'charts/api/templates/cm.yaml', sentinelOf(o)) },
    {
      name: 'a manifest linked outside',
      build: (r, o) => replaceWithLink(r, 'manifests/cm.yaml', sentinelOf(o)),
      exit: CHECK_FAILS,
      reported: /outside the repository/,
    },
    {
      name: 'the manifests directory linked outside (a fix target)',
      build: (r, o) => {
        replaceWithLink(r, 'manifests', o);
        write(r, 'deploy.yaml', DEPLOYMENT);
        write(r, 'ns.yaml', NAMESPACE);
      },
      exit: { fix: [2], 'fix-dry-run': [2] },
    },
    { name: 'the fix target file linked outside', build: (r, o) => replaceWithLink(r, 'charts/api/values.yaml', sentinelOf(o)) },
    {
      name: 'a sealing certificate linked outside',
      build: (r, o) => replaceWithLink(r, '.github/sealed-secrets.pem', sentinelOf(o)),
      commands: ['check', 'fix-dry-run', 'fix'],
    },
    { name: 'a link inside the repository is followed', build: (r) => replaceWithLink(r, 'charts/api/values-prod.yaml', 'values.yaml'), exit: { check: [1] } },
    {
      name: 'seal --merge-into a link outside',
      build: (r, o) => replaceWithLink(r, 'secrets/sealed.yaml', sentinelOf(o)),
      commands: ['seal'],
      args: { seal: ['secrets/db.yaml', '--merge-into', 'secrets/sealed.yaml'] },
      exit: { seal: [1, 2] },
    },
    {
      name: 'seal -o into a linked directory',
      build: (r, o) => replaceWithLink(r, 'out', o),
      commands: ['seal'],
      args: { seal: ['secrets/db.yaml', '-o', 'out/sealed.yaml'] },
      exit: { seal: [1, 2] },
    },

    // --- option injection ------------------------------------------------------------------------
    {
      name: '--changed-since that is an option',
      build: (r) => gitInit(r),
      commands: ['check'],
      args: { check: ['--changed-since=--output=../outside/written'] },
      exit: { check: [2] },
    },
  ];
  // One wrong type per key through the CLI (check and netpol read the configuration on separate
  // paths); every other wrong type is checked in-process (wrongConfigTypes, exported below).
  const keysSeen = new Set<string>();
  for (const [name, text] of wrongConfigTypes()) {
    const key = name.split(' = ')[0]!;
    if (keysSeen.has(key)) continue;
    keysSeen.add(key);
    cases.push({
      name: `configuration ${name}`,
      build: (r) => write(r, '.github/bplus.yml', text),
      commands: ['check', 'netpol'],
      exit: { check: [2], netpol: [2] },
      reported: /configuration/,
    });
  }
  return cases;
}
