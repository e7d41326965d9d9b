/**
 * Benchmark of the NetworkPolicy engine on the generated 200 workloads × 300 policies
 * (test/netpol/synthetic.ts): build the matrix, enumerate every connection and check the
 * default service graph, as a review does. Called by `npm run bench` (bench/run.ts); the
 * target is well under one second. `ms` is the median of five runs after one warm-up run, so
 * that a busy machine or the JIT's first pass does not decide the figure alone.
 */
import { analyzeConnectivity, checkServiceGraph, defaultServiceGraph } from '../src/netpol/index.ts';
import { syntheticCluster } from '../test/netpol/synthetic.ts';

const WORKLOADS = 200;
const POLICIES = 300;
const RUNS = 5;

function analyseOnce(objects: ReturnType<typeof syntheticCluster>): number {
  const start = performance.now();
  const matrix = analyzeConnectivity(objects, { namespace: 'balance-plus' });
  // Touch the lazily computed results so the measurement covers the whole analysis.
  const connections = matrix.connections.length;
  checkServiceGraph(matrix, defaultServiceGraph);
  const ms = performance.now() - start;
  if (connections === 0) throw new Error('benchNetpol: the generated cluster allows nothing; the benchmark measures nothing');
  return ms;
}

export function benchNetpol(): { workloads: number; policies: number; ms: number } {
  const objects = syntheticCluster(WORKLOADS, POLICIES, 42);
  analyseOnce(objects);
  const times = Array.from({ length: RUNS }, () => analyseOnce(objects)).sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)] as number;
  return { workloads: WORKLOADS, policies: POLICIES, ms: Math.round(median * 10) / 10 };
}

// `npx tsx bench/netpol.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(benchNetpol()));
}
