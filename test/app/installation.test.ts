/**
 * Org-wide from day one: installing the App (or adding repositories to it) reviews each
 * selected repository's default branch once, as a check run on its head commit, with the
 * production runtime (per-installation pacing) and official `installation` payloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/index.ts';
import { withDelivery } from '../../src/app/delivery-context.ts';
import { createRuntime, type AppRuntime } from '../../src/app/runtime.ts';
import { FakeGitHub } from './fake-github.ts';
import { APP_ID, fixtureTree, HEAD_SHA, OWNER, REPO, testPrivateKey, violatingVariant, WEBHOOK_SECRET, webhookPayload } from './harness.ts';

describe('installation events review default branches', () => {
  const base = fixtureTree();
  const fake = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    base,
    head: violatingVariant(base, 'tr-k8s-3-no-limits').head,
    headSha: HEAD_SHA,
    pullNumber: 2,
    appId: APP_ID,
  });
  let runtime: AppRuntime;

  beforeAll(async () => {
    await fake.start();
    runtime = createRuntime({
      env: { APP_ID: String(APP_ID), PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET, GHE_HOST: fake.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' },
    });
    await runtime.probot.load(createApp({ appId: APP_ID, locks: runtime.locks }));
  });
  afterAll(async () => {
    await runtime.close();
    await fake.stop();
  });

  const receive = (name: string, id: string, payload: object) =>
    withDelivery({ id, deadline: Date.now() + 58_000 }, () => runtime.probot.receive({ id, name: name as never, payload: payload as never }));

  it('installation.created: the selected repository’s default branch gets one completed run; a missing one is skipped', async () => {
    const payload = webhookPayload('installation.created');
    Object.assign(payload.installation.account ?? {}, { login: OWNER });
    payload.repositories = [
      { id: 1, node_id: 'R_1', name: REPO, full_name: `${OWNER}/${REPO}`, private: false },
      { id: 2, node_id: 'R_2', name: 'gone', full_name: `${OWNER}/gone`, private: false },
    ];
    await receive('installation', 'install-1', payload);
    const runs = fake.runsFor(fake.baseSha);
    expect(runs).toHaveLength(1);
    // The default branch of the fixture is compliant.
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'success', external_id: fake.baseSha });
    expect(fake.violations).toEqual([]);
  });

  it('installation_repositories.added, also redelivered: still one run on the default branch', async () => {
    const payload = webhookPayload('installation_repositories.added');
    Object.assign(payload.installation.account ?? {}, { login: OWNER });
    payload.repositories_added = [{ id: 1, node_id: 'R_1', name: REPO, full_name: `${OWNER}/${REPO}`, private: false }];
    await receive('installation_repositories', 'added-1', payload);
    await receive('installation_repositories', 'added-1', payload);
    expect(fake.runsFor(fake.baseSha)).toHaveLength(1);
    expect(fake.runsFor(fake.baseSha)[0]!.status).toBe('completed');
    expect(fake.violations).toEqual([]);
  }, 60_000);
});
