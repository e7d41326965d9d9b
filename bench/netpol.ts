/**
 * Benchmark of the NetworkPolicy engine on the generated 200 workloads × 300 policies: build the
 * matrix, enumerate every connection and check the default service graph, as a review does.
 * Called by `npm run bench` (bench/run.ts); the target is well under one second.
 */
import { analyzeConnectivity, checkServiceGraph, defaultServiceGraph } from '../src/netpol/index.ts';
import { syntheticCluster } from '../test/netpol/synthetic.ts';

export async function benchNetpol(): Promise<{ workloads: number; policies: number; ms: number }> {
  const workloads = 200;
  const policies = 300;
  const objects = syntheticCluster(workloads, policies, 42);
  const start = performance.now();
  const matrix = analyzeConnectivity(objects, { namespace: 'balance-plus' });
  // Touch the lazily computed results so the measurement covers the whole analysis.
  const connections = matrix.connections.length;
  checkServiceGraph(matrix, { ...defaultServiceGraph, undeclared: 'forbid' });
  const ms = performance.now() - start;
  if (connections === 0) throw new Error('benchNetpol: the generated cluster allows nothing; the benchmark measures nothing');
  return { workloads, policies, ms: Math.round(ms * 10) / 10 };
}

// `tsx bench/netpol.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  benchNetpol().then((r) => console.log(JSON.stringify(r)));
}
