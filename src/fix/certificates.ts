/**
 * Which sealing certificate seals for which environment. Order: the options (CLI `--cert`, the
 * app's configuration), by namespace, then environment, then `*`; then a PEM committed in the
 * repository: `.github/sealed-secrets/<namespace>.pem`, `.github/sealed-secrets/<env>.pem`,
 * `.github/sealed-secrets.pem`. A certificate is public; committing it is what kubeseal's docs
 * recommend. Expired, not-yet-valid, non-RSA and weak certificates are refused with the sealing
 * module's message.
 */
import { isSealingError, loadSealingCertificate } from '../seal/index.ts';
import type { CertificateChoice, FixOptions, WorkingTree } from './types.ts';

export const REPOSITORY_CERTIFICATE_PATHS = (namespace?: string, environment?: string): string[] =>
  [
    namespace ? `.github/sealed-secrets/${namespace}.pem` : undefined,
    environment ? `.github/sealed-secrets/${environment}.pem` : undefined,
    '.github/sealed-secrets.pem',
  ].filter((p): p is string => p !== undefined);

export async function chooseCertificate(
  scope: { namespace?: string; environment?: string },
  options: FixOptions,
  tree: WorkingTree,
): Promise<CertificateChoice> {
  const given = options.certificates ?? {};
  const keys = [scope.namespace, scope.environment, '*'].filter((k): k is string => k !== undefined);
  for (const key of keys) {
    const pem = given[key];
    if (pem !== undefined) return load(pem, key === '*' ? 'the given certificate' : `the certificate given for ${key}`, options.now);
  }
  for (const path of REPOSITORY_CERTIFICATE_PATHS(scope.namespace, scope.environment)) {
    if (!tree.exists(path)) continue;
    const pem = await tree.read(path);
    if (pem !== undefined) return load(pem, path, options.now);
  }
  return {
    ok: false,
    reason: `no sealing certificate for ${scope.namespace ? `namespace ${scope.namespace}` : 'this environment'}: pass --cert (kubeseal --fetch-cert > cert.pem) or commit it as ${REPOSITORY_CERTIFICATE_PATHS(scope.namespace, scope.environment).join(' or ')}`,
  };
}

function load(pem: string, source: string, now?: Date): CertificateChoice {
  try {
    return { ok: true, certificate: loadSealingCertificate(pem, now), source };
  } catch (error) {
    if (isSealingError(error)) return { ok: false, reason: `${source} cannot be used: ${error.message}` };
    return { ok: false, reason: `${source} cannot be used` };
  }
}
