// ESLint over the TypeScript sources with type information (one program from the root tsconfig.json,
// which includes every source: cheaper than one per project): promises that float or land where a
// void callback is expected, and type-only imports written as `import type`. Only these rules: the
// compiler's strict mode does the rest, and the run stays short enough for CI.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // server/assembly/ is AssemblyScript (WebAssembly scans), checked by its own compiler when built.
    ignores: ['out/**', 'client/out/**', 'server/out/**', 'server/assembly/**', 'node_modules/**', '.vscode-test/**', 'test/.artifacts/**', 'test/fixtures/**', '**/*.js', '**/*.mjs'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test runs the tests it is handed; its promises only say when a test ended.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
    },
  },
);
