// Transpiles the real-editor suites (test/integration/**/*.ts) to out/test/integration/ with esbuild:
// the same layout `tsc -p .` emits, without waiting on (or failing for) type errors elsewhere in the
// project. `npm run typecheck` is what checks their types.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const src = path.join(root, 'test', 'integration');
const out = path.join(root, 'out', 'test', 'integration');

function tsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

fs.rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: tsFiles(src),
  outdir: out,
  outbase: src,
  bundle: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
