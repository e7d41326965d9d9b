import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runSealCommand, SEAL_USAGE } from '../../src/cli/seal-command.ts';
import type { SealedSecret } from '../../src/seal/sealed-secret.ts';
import { unsealSealedSecret } from '../../src/seal/unseal.ts';
import { CERT_2048, expectNoLeak, fixture, KEY_2048 } from '../seal/keys.ts';

const PASSWORD = 'cli-P4ssw0rd!-never-print-me';
const SECRET = `# credentials
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: balance-plus
stringData:
  password: "${PASSWORD}"
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
`;

function memoryIO(files: Record<string, string>) {
  const out = { stdout: '', stderr: '', files: { ...files } };
  const io = {
    stdout: (s: string) => void (out.stdout += s),
    stderr: (s: string) => void (out.stderr += s),
    readFile: (p: string) => {
      const text = out.files[p];
      if (text === undefined) return Promise.reject(Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' }));
      return Promise.resolve(text);
    },
    writeFile: (p: string, s: string) => {
      out.files[p] = s;
      return Promise.resolve();
    },
  };
  return { io, out };
}

const FILES = {
  'secret.yaml': SECRET,
  'cert.pem': CERT_2048,
  'expired.pem': fixture('expired.crt'),
  'ec.pem': fixture('ec-p256.crt'),
};

async function run(args: string[], files: Record<string, string> = FILES) {
  const { io, out } = memoryIO(files);
  const code = await runSealCommand(args, io);
  // Whatever happens, the plaintext never reaches the terminal.
  expectNoLeak(out.stdout + out.stderr, [PASSWORD]);
  return { code, ...out };
}

describe('bplus seal', () => {
  it('seals to stdout, keeps the other documents, reports on stderr (exit 0)', async () => {
    const r = await run(['secret.yaml', '--cert', 'cert.pem']);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as unknown);
    expect(docs).toHaveLength(2);
    expect(unsealSealedSecret(docs[0], KEY_2048).password?.toString()).toBe(PASSWORD);
    expect(r.stdout.startsWith('# credentials\napiVersion: bitnami.com/v1alpha1\n')).toBe(true);
    expect(r.stderr).toContain('sealed balance-plus/db: password');
    expect(r.stderr).toContain('SHA256:rMW1KA6ZDJoilGAyudzXtChHNuzLAZ2SRGQ1vleYI1E');
    expect(r.stderr).toMatch(/rotate them/);
    expect(r.files['secret.yaml']).toBe(SECRET);
  });

  it('writes -o OUT, or --in-place; --scope=VALUE and --namespace work', async () => {
    const o = await run(['secret.yaml', '--cert=cert.pem', '-o', 'sealed.yaml', '--scope=namespace-wide']);
    expect(o.code).toBe(0);
    expect(o.stdout).toBe('');
    const sealed = parseAllDocuments(o.files['sealed.yaml'] ?? '')[0]?.toJS() as SealedSecret;
    expect(sealed.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });

    const i = await run(['--in-place', 'secret.yaml', '--cert', 'cert.pem', '--scope', 'cluster-wide']);
    expect(i.code).toBe(0);
    expect(i.files['secret.yaml']).toContain('kind: SealedSecret');
    expectNoLeak(i.files['secret.yaml'] ?? '', [PASSWORD]);

    const noNs = { ...FILES, 'secret.yaml': SECRET.replace('  namespace: balance-plus\n', '') };
    const n = await run(['secret.yaml', '--cert', 'cert.pem', '--namespace', 'team-a'], noNs);
    expect(n.code).toBe(0);
    expect((parseAllDocuments(n.stdout)[0]?.toJS() as { metadata: { namespace?: string } }).metadata.namespace).toBe('team-a');
  });

  it('--merge-into rewrites the SealedSecret file, keeping unchanged ciphertext', async () => {
    const first = await run(['secret.yaml', '--cert', 'cert.pem', '-o', 'sealed.yaml']);
    const sealedText = first.files['sealed.yaml'] ?? '';
    const before = parseAllDocuments(sealedText)[0]?.toJS() as SealedSecret;
    const update = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: balance-plus}\nstringData: {token: t0k3n-value}\n';
    const r = await run(['new.yaml', '--cert', 'cert.pem', '--merge-into', 'sealed.yaml'], {
      ...FILES,
      'new.yaml': update,
      'sealed.yaml': sealedText,
    });
    expect(r.code).toBe(0);
    const after = parseAllDocuments(r.files['sealed.yaml'] ?? '')[0]?.toJS() as SealedSecret;
    expect(after.spec.encryptedData.password).toBe(before.spec.encryptedData.password);
    const data = unsealSealedSecret(after, KEY_2048);
    expect(data.token?.toString()).toBe('t0k3n-value');
    expect(data.password?.toString()).toBe(PASSWORD);
    expect(r.stderr).toContain('sealed balance-plus/db: token -> sealed.yaml');
  });

  it('prints help with exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(SEAL_USAGE);
  });

  it.each([
    [[], /missing the Secret file/],
    [['secret.yaml'], /missing --cert/],
    [['secret.yaml', '--cert'], /--cert needs a value/],
    [['secret.yaml', '--cert', 'cert.pem', '--scope', 'global'], /scope must be one of/],
    [['secret.yaml', '--cert', 'cert.pem', '--bogus'], /unknown option --bogus/],
    [['a.yaml', 'b.yaml', '--cert', 'cert.pem'], /one input file only/],
    [['secret.yaml', '--cert', 'cert.pem', '--in-place', '-o', 'x'], /exclusive/],
    [['secret.yaml', '--cert', 'cert.pem', '--in-place', '--merge-into', 'x'], /exclusive/],
    [['-', '--cert', 'cert.pem'], /stdin/],
  ])('exits 2 on usage error %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage: bplus seal');
  });

  it.each([
    [['secret.yaml', '--cert', 'expired.pem'], /reading certificate expired.pem: sealing certificate .* expired on 2021-01-01/],
    [['secret.yaml', '--cert', 'ec.pem'], /expected an RSA public key/],
    [['secret.yaml', '--cert', 'missing.pem'], /reading certificate missing.pem: ENOENT/],
    [['missing.yaml', '--cert', 'cert.pem'], /reading missing.yaml: ENOENT/],
    [['config.yaml', '--cert', 'cert.pem'], /no Secret with data or stringData in config.yaml/],
    [['bad.yaml', '--cert', 'cert.pem'], /sealing bad.yaml: document 1 \(line 1\): Secret "db": data.password is not valid base64/],
    [['nons.yaml', '--cert', 'cert.pem'], /has no namespace/],
    [['secret.yaml', '--cert', 'cert.pem', '--namespace', 'other'], /namespace mismatch/],
    [['secret.yaml', '--cert', 'cert.pem', '--merge-into', 'config.yaml'], /no SealedSecret found to merge into/],
  ])('exits 1 on sealing error %j', async (args, message) => {
    const r = await run(args, {
      ...FILES,
      'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
      'bad.yaml': `kind: Secret\nmetadata: {name: db, namespace: n}\ndata:\n  password: ${PASSWORD}\n`,
      'nons.yaml': `kind: Secret\nmetadata: {name: db}\nstringData:\n  password: ${PASSWORD}\n`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(Object.keys(r.files).filter((f) => !(f in FILES) && !['config.yaml', 'bad.yaml', 'nons.yaml'].includes(f))).toEqual([]);
  });

  it('leaves the input untouched when --in-place fails', async () => {
    const r = await run(['secret.yaml', '--cert', 'expired.pem', '--in-place']);
    expect(r.code).toBe(1);
    expect(r.files['secret.yaml']).toBe(SECRET);
  });

  it('output parses as YAML', async () => {
    const r = await run(['secret.yaml', '--cert', 'cert.pem']);
    expect(() => parseAllDocuments(r.stdout)).not.toThrow();
    expect(parse(r.stdout.split('\n---\n')[1] ?? '')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  });
});
