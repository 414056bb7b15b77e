// `npm run test:fuzz`: a long fuzzing run (FUZZ_ITERATIONS, default 50 000; FUZZ_SEED).
import { fuzzEngine } from './engineFuzz';

const iterations = Number(process.env.FUZZ_ITERATIONS ?? 50_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100_000);
const report = fuzzEngine(iterations, seed);
console.log(`fuzz: seed ${seed}, ${report.inputs} inputs tried, ${report.lines} lines, worst ${report.worstMsPerLine.toFixed(3)} ms per line`);
for (const f of report.failures.slice(0, 20)) console.log(`FAIL ${f}`);
console.log(`${report.inputs - report.failures.length} passed, ${report.failures.length} failed`);
process.exitCode = report.failures.length ? 1 : 0;
