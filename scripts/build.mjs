// Bundles the client (vscode external), the language server and the msglog command line with esbuild.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { buildWasm } from './buildWasm.mjs';

// msglog's version, named in exports (the OTLP instrumentation scope).
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { MSGLOG_VERSION: JSON.stringify(version) },
};

// The WebAssembly scans first: the bundles hold their bytes.
await buildWasm();

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'server/out/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/msglog.ts'], outfile: 'server/out/msglog.js' }),
  // What bin/msglog.js runs: msglog here, or for large inputs in a process with huge pages (cli/launch.ts).
  build({ ...common, entryPoints: ['server/src/cli/launch.ts'], outfile: 'server/out/launch.js' }),
  // Worker threads that index parts of a large log (engine/parallel.ts loads it from next to the bundles).
  build({ ...common, entryPoints: ['server/src/engine/indexWorker.ts'], outfile: 'server/out/indexWorker.js' }),
  // The worker thread that indexes a large log's file while the editor sends its text, and makes its first answers.
  build({ ...common, entryPoints: ['server/src/openingWorker.ts'], outfile: 'server/out/openingWorker.js' }),
  // The worker thread that writes every other slice of a large export (engine/export/thread.ts).
  build({ ...common, entryPoints: ['server/src/engine/export/exportWorker.ts'], outfile: 'server/out/exportWorker.js' }),
  // The SIP ladder and log report panels' scripts, run in webviews (browser, no Node).
  build({ ...common, platform: 'browser', format: 'iife', target: 'es2020', entryPoints: ['client/src/views/webview/ladder.ts', 'client/src/views/webview/report.ts'], outdir: 'client/out/webview' }),
]);
