/**
 * A repository of N Deployments (each with a Service) in one manifest file, the shape that once
 * made the review quadratic. The configuration raises the per-file and per-repository budgets
 * just enough for N, as an operator reviewing such a repository would.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function generateScaleRepository(dir: string, deployments: number): { bytes: number } {
  mkdirSync(path.join(dir, '.github'), { recursive: true });
  mkdirSync(path.join(dir, 'manifests'), { recursive: true });
  writeFileSync(
    path.join(dir, '.github/bplus.yml'),
    `limits:\n  maxFileBytes: ${64 * 1024 * 1024}\n  maxDocumentsPerFile: ${deployments * 2 + 10}\n  maxObjects: ${deployments * 2 + 10}\n  maxFindings: ${deployments * 20}\n`,
  );
  const docs: string[] = [];
  for (let i = 0; i < deployments; i++) {
    const name = `svc-${i}`;
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: balance-plus\n  labels: {app: ${name}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: app\n          image: registry.example/${name}:1.${i}.0\n          ports: [{containerPort: 8000}]\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {cpu: 500m, memory: 256Mi}\n`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: balance-plus\nspec:\n  selector: {app: ${name}}\n  ports: [{port: 80, targetPort: 8000}]\n`,
    );
  }
  const text = docs.join('---\n');
  writeFileSync(path.join(dir, 'manifests/all.yaml'), text);
  return { bytes: Buffer.byteLength(text) };
}

// `tsx bench/scale.ts DIR N`: write one such repository (for profiling by hand).
if (process.argv[1]?.endsWith('scale.ts') && process.argv[2]) {
  console.log(generateScaleRepository(process.argv[2], Number(process.argv[3] ?? 8000)));
}
