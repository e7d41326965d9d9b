import { describe, expect, it } from 'vitest';
import {
  CLUSTER_WIDE_ANNOTATION,
  encryptionLabel,
  NAMESPACE_WIDE_ANNOTATION,
  parseScope,
  requireNamespace,
  scopeFromAnnotations,
  withScopeAnnotations,
  type SealingScope,
} from '../../src/seal/scope.ts';

describe('encryptionLabel (sealed-secrets TestEncryptionLabel)', () => {
  it.each<[SealingScope, string]>([
    ['strict', 'myns/myname'],
    ['namespace-wide', 'myns'],
    ['cluster-wide', ''],
  ])('%s → %j', (scope, label) => {
    expect(encryptionLabel(scope, 'myns', 'myname').toString('utf8')).toBe(label);
  });
});

describe('scopeFromAnnotations (TestLabel, TestClusterWide, TestNamespaceWide, TestClusterAndNamespaceWide)', () => {
  it.each<[Record<string, unknown> | undefined, SealingScope]>([
    [undefined, 'strict'],
    [{}, 'strict'],
    [{ [CLUSTER_WIDE_ANNOTATION]: 'true' }, 'cluster-wide'],
    [{ [NAMESPACE_WIDE_ANNOTATION]: 'true' }, 'namespace-wide'],
    [{ [NAMESPACE_WIDE_ANNOTATION]: 'true', [CLUSTER_WIDE_ANNOTATION]: 'true' }, 'cluster-wide'],
    // only the exact string counts, as in the controller
    [{ [CLUSTER_WIDE_ANNOTATION]: 'false' }, 'strict'],
    [{ [CLUSTER_WIDE_ANNOTATION]: true }, 'strict'],
    [{ [CLUSTER_WIDE_ANNOTATION]: 'false', [NAMESPACE_WIDE_ANNOTATION]: 'true' }, 'namespace-wide'],
  ])('%j → %s', (annotations, scope) => {
    expect(scopeFromAnnotations(annotations)).toBe(scope);
  });
});

describe('parseScope (TestSealingScope)', () => {
  it('accepts the three scopes and "" as the default', () => {
    expect(parseScope('')).toBe('strict');
    expect(parseScope('strict')).toBe('strict');
    expect(parseScope('namespace-wide')).toBe('namespace-wide');
    expect(parseScope('cluster-wide')).toBe('cluster-wide');
  });
  it('refuses anything else', () => {
    expect(() => parseScope('namespace')).toThrow(/must be one of: strict, namespace-wide, cluster-wide/);
  });
});

describe('withScopeAnnotations (UpdateScopeAnnotations)', () => {
  it('sets exactly one annotation for the scope and keeps the others', () => {
    const both = { a: 'b', [NAMESPACE_WIDE_ANNOTATION]: 'true', [CLUSTER_WIDE_ANNOTATION]: 'true' };
    expect(withScopeAnnotations(both, 'strict')).toEqual({ a: 'b' });
    expect(withScopeAnnotations(both, 'namespace-wide')).toEqual({ a: 'b', [NAMESPACE_WIDE_ANNOTATION]: 'true' });
    expect(withScopeAnnotations(undefined, 'cluster-wide')).toEqual({ [CLUSTER_WIDE_ANNOTATION]: 'true' });
    expect(both[CLUSTER_WIDE_ANNOTATION]).toBe('true'); // input untouched
  });
});

describe('requireNamespace', () => {
  it('needs a namespace unless cluster-wide', () => {
    expect(() => requireNamespace('strict', undefined, 'x')).toThrow(/no namespace/);
    expect(() => requireNamespace('namespace-wide', '', 'x')).toThrow(/no namespace/);
    expect(() => requireNamespace('cluster-wide', undefined, 'x')).not.toThrow();
  });
});
