/**
 * Shared pieces of the app's tests and benchmark: official webhook payloads, the fixture
 * repository and a violating variant of it, a throwaway App key, an in-process Probot.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sign } from '@octokit/webhooks-methods';
import { Probot, ProbotOctokit, type Context } from 'probot';
import { parse as parseYaml } from 'yaml';
import { readTree, type Tree } from './fake-github.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE_REPO = path.join(ROOT, 'fixtures/balance-plus');
const VIOLATIONS = path.join(ROOT, 'fixtures/violations');
export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
export const HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
export const WEBHOOK_SECRET = 'bplus-test-secret';

/** The headers of a webhook delivery as GitHub sends it, signed with the test secret unless `signature` replaces it (a bad one). */
export async function deliveryHeaders(event: string, id: string, body: string, signature?: string): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': id,
    'x-hub-signature-256': signature ?? (await sign(WEBHOOK_SECRET, body)),
  };
}
export const APP_ID = 4242;

const require = createRequire(import.meta.url);

interface WebhookExample {
  name: string;
  examples: Array<Record<string, any>>;
}

/** An official example payload (`@octokit/webhooks-examples`) with an installation. */
export function examplePayload(event: string, action: string): Record<string, any> {
  const index = require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookExample[];
  const examples = index.find((e) => e.name === event)?.examples ?? [];
  const example = examples.find((e) => e.action === action && e.installation) ?? examples.find((e) => e.action === action);
  if (!example) throw new Error(`no ${event}.${action} example in @octokit/webhooks-examples`);
  const payload = structuredClone(example);
  payload.installation ??= { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return payload;
}

/** A webhook event and action as Probot names them (`pull_request.opened`). */
export type EventName = Context['name'];
/** The payload of `E` as Probot's types describe it, with the installation every example here has. */
export type Payload<E extends EventName> = Context<E>['payload'] & { installation: { id: number } };

/** `examplePayload`, typed: the official example of `name` is the shape Probot's types describe. */
export function webhookPayload<E extends EventName>(name: E): Payload<E> {
  const [event = '', action = ''] = name.split('.');
  return examplePayload(event, action) as Payload<E>;
}

/** A delivery for `probot.receive`: an official payload, or a test's edit of one. */
export function delivery<E extends EventName>(id: string, name: E, payload: Context<E>['payload']): Parameters<Probot['receive']>[0] {
  return { id, name, payload } as Parameters<Probot['receive']>[0];
}

/** A pull_request payload for our fake repository at HEAD_SHA. */
export function pullRequestPayload(action = 'opened', headSha = HEAD_SHA): Payload<'pull_request.opened'> {
  const payload = examplePayload('pull_request', action) as Payload<'pull_request.opened'>;
  payload.pull_request.head.sha = headSha;
  payload.repository.owner.login = OWNER;
  payload.repository.name = REPO;
  return payload;
}

let key: string | undefined;
/** A fresh RSA key: the App's JWT is signed with it; the fake API does not check it. */
export function testPrivateKey(): string {
  key ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return key;
}

export function fixtureTree(): Tree {
  return readTree(FIXTURE_REPO);
}

export interface ExpectedFinding {
  ruleId: string;
  path: string;
  line: number;
  level: string;
}

export interface Variant {
  name: string;
  head: Tree;
  /** From the variant's expect.yaml. */
  expected: ExpectedFinding[];
}

/**
 * A violating variant of the fixture: fixtures/violations/<name>/ copied over the compliant
 * repository (`<file>.deleted` markers remove files), with the findings its expect.yaml lists.
 */
export function violatingVariant(base: Tree, name: string): Variant {
  const dir = path.join(VIOLATIONS, name);
  if (!existsSync(dir)) throw new Error(`no violating variant ${name} under fixtures/violations`);
  const head = new Map(base);
  let expected: ExpectedFinding[] = [];
  for (const [file, content] of readTree(dir)) {
    if (file === 'expect.yaml') {
      const doc = parseYaml(content.toString('utf8')) as { findings?: Array<Partial<ExpectedFinding>> };
      expected = (doc.findings ?? []).map((f) => ({ ruleId: f.ruleId!, path: f.path!, line: f.line!, level: f.level ?? 'failure' }));
    } else if (file.endsWith('.deleted')) head.delete(file.slice(0, -'.deleted'.length));
    else head.set(file, content);
  }
  return { name, head, expected };
}

/** A copy of `base` with each of `files` changed by `edit` (its text in, the new text out). */
export function withEdits(base: Tree, files: readonly string[], edit: (text: string) => string): Tree {
  const head = new Map(base);
  for (const file of files) {
    const content = base.get(file);
    if (!content) throw new Error(`no ${file} in the tree to edit`);
    head.set(file, Buffer.from(edit(content.toString('utf8'))));
  }
  return head;
}

/** The fixture with only a CPU request changed: a change that cannot move connectivity. */
export function resourcesOnlyChange(base: Tree): Tree {
  return withEdits(base, ['charts/api-gateway/values-prod.yaml'], (text) => text.replace(/cpu: "?[0-9.]+m?"?/, 'cpu: 900m'));
}

/** An in-process Probot talking to the fake API through the GHES layout. */
export function testProbot(fakeHost: string): Probot {
  return new Probot({
    appId: APP_ID,
    privateKey: testPrivateKey(),
    secret: WEBHOOK_SECRET,
    baseUrl: `http://${fakeHost}/api/v3`,
    logLevel: 'fatal',
    // Probot replaces a plain `throttle` default with its own: override after its merge.
    Octokit: ProbotOctokit.defaults((options: { throttle?: object }) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...options.throttle, enabled: false },
    })),
  });
}

/** A port free on loopback right now (the server processes under test bind it next). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The environment of an App process (server or built function) talking to the local GitHub API. */
export function appEnvironment(fakeHost: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    APP_ID: String(APP_ID),
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET,
    GHE_HOST: fakeHost,
    GHE_PROTOCOL: 'http',
    LOG_FORMAT: 'json',
    ...extra,
  };
}
