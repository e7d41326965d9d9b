import type { Fixer } from '../types.ts';
import { autoscalingFixer } from './autoscaling.ts';
import { defaultDenyFixer } from './default-deny.ts';
import { defaultResourcesFixer } from './default-resources.ts';
import { moveCredentialFixer } from './move-credential.ts';
import { removeHostPortFixer } from './remove-hostport.ts';
import { sealSecretFixer } from './seal-secret.ts';
import { serviceClusterIpFixer } from './service-clusterip.ts';

/** In the order they run: secrets first (so nothing else re-renders a file that held values). */
export const FIXERS: readonly Fixer[] = [sealSecretFixer, moveCredentialFixer, defaultResourcesFixer, autoscalingFixer, serviceClusterIpFixer, removeHostPortFixer, defaultDenyFixer];

export function fixerFor(kind: string): Fixer | undefined {
  return FIXERS.find((f) => f.kind === kind);
}
