import rule from '../../rules/BP-CELERY-GRACE.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const worker = (grace: string, component = 'worker') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: condenser
  labels: { app.kubernetes.io/component: ${component} }
spec:
  template:
    spec:
${grace}      containers:
        - name: worker
          image: condenser:1.0.0
`;

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: 'values: 600 s', files: serviceChart('condenser-worker', 'python-celery-worker', 'terminationGracePeriodSeconds: 600\n') },
    { name: 'values: unset means the library default 600 s', files: serviceChart('condenser-worker', 'python-celery-worker', 'image: { tag: "1" }\n') },
    {
      name: 'values: a FastAPI service with 30 s is not a worker',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'terminationGracePeriodSeconds: 30\n'),
    },
    { name: 'manifest: exactly 60 s (label on the object)', files: { 'manifests/w.yaml': worker('      terminationGracePeriodSeconds: 60\n') } },
    { name: 'manifest: not a worker', files: { 'manifests/w.yaml': worker('', 'api') } },
    {
      name: 'option minimumGraceSeconds: 30 accepts the Kubernetes default',
      config: 'rules:\n  BP-CELERY-GRACE: [warning, { minimumGraceSeconds: 30 }]\n',
      files: { 'manifests/w.yaml': worker('') },
    },
  ],
  invalid: [
    {
      name: 'values: prod overlay sets 30 s',
      files: serviceChart('condenser-worker', 'python-celery-worker', 'terminationGracePeriodSeconds: 600\n', '# prod\nterminationGracePeriodSeconds: 30\n'),
      errors: [
        {
          messageId: 'tooShort',
          path: 'charts/condenser-worker/values-prod.yaml',
          line: 2,
          column: 1,
          message: 'Celery worker Deployment/condenser-worker has terminationGracePeriodSeconds 30, under 60',
        },
      ],
    },
    {
      name: 'manifest: unset means Kubernetes 30 s, reported on the pod spec',
      files: { 'manifests/w.yaml': worker('') },
      errors: [{ messageId: 'unset', path: 'manifests/w.yaml', line: 8, column: 5, message: 'Kubernetes gives it 30 s' }],
    },
    {
      name: 'option minimumGraceSeconds: 900 reports 600 s, naming the configured minimum',
      config: 'rules:\n  BP-CELERY-GRACE: [notice, { minimumGraceSeconds: 900 }]\n',
      files: { 'manifests/w.yaml': worker('      terminationGracePeriodSeconds: 600\n') },
      errors: [
        { messageId: 'tooShort', path: 'manifests/w.yaml', line: 9, column: 7, message: 'terminationGracePeriodSeconds 600, under 900', level: 'notice' },
      ],
    },
    {
      name: 'manifest: 10 s',
      files: { 'manifests/w.yaml': worker('      terminationGracePeriodSeconds: 10\n') },
      errors: [{ messageId: 'tooShort', path: 'manifests/w.yaml', line: 9, column: 7 }],
    },
  ],
};

ruleTester(rule, cases);
