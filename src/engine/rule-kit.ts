/**
 * The rule kit: the one module a rule imports from (besides modules that only it needs, such as
 * the credential detector of TR-K8S-9 or the QoS computation of TR-K8S-4). It gathers the rule's
 * anatomy (`defineRule`, reports, fixes), the model's vocabulary, the workload helpers and the
 * shared fix helpers, so that a rule file reads as metadata, a check and its fix.
 */
export {
  defineRule,
  secretsFix,
  type FixChange,
  type FixOutcome,
  type Fixer,
  type MessageData,
  type Report,
  type Rule,
  type RuleContext,
  type RuleFix,
  type RuleMessages,
  type WorkingTree,
} from './rule.ts';
export { formatValue } from '../yaml/format-value.ts';
export type { BplusConfig, ServiceKind } from '../config/schema.ts';
export type { K8sObject, Location, PathSegment, ValuePath } from '../types.ts';
export type { RepositoryModel, ServiceValues } from '../model/repository.ts';
export { INFRASTRUCTURE_ANNOTATION, type Chart, type ChartDependency } from '../model/charts.ts';
export { describeObject, podSpecPath, WORKLOAD_KINDS } from '../model/objects.ts';
export { getPath, isRecord, splitDotted } from '../model/values.ts';
export { formatLabelSelector, matchesLabelSelector, selectsEverything, type LabelSelector } from '../k8s/selector.ts';
export { componentOf, containersOf, isProduction, isTemplatedValue, mainContainer, podSpecOf, type ContainerRef } from './workloads.ts';
export { isServiceObject, renderedByLibrary, sameEnvironment, sameRelease, serviceValuesOf } from './service-objects.ts';
export { isGuardedByAction, isTemplatedBlock } from './template-text.ts';
// Fixes: the YAML editor and the helpers several rules share.
export { addMissing, deleteKey, hasPath, setScalar, YamlEditError, type EditResult } from '../yaml/edit.ts';
export { documentOf, platformObjectsDirectory, serviceName, serviceValuesFor, type DocumentTarget } from './fixes/target.ts';
export { addDefaultResources, type ServiceContainer } from './fixes/default-resources.ts';
export { credentialInstruction, moveCredential, sealSecretFile } from './fixes/sealing.ts';
