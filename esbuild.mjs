// Bundles the extension into dist/extension.js. msal-node goes into a bundle of its own (dist/msal-node.js)
// that the extension loads only when an msal sign-in mode is used, so the default path never loads it.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Reports build results in the format of the esbuild problem matcher, for `--watch` in VS Code. */
const problemMatcher = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      }
      console.log('[watch] build finished');
    });
  },
};

/** Resolves `import('@azure/msal-node')` in the extension to the separate bundle next to it. */
const msalAsSeparateBundle = {
  name: 'msal-as-separate-bundle',
  setup(build) {
    build.onResolve({ filter: /^@azure\/msal-node$/ }, () => ({ path: './msal-node.js', external: true }));
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  external: ['vscode'],
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  plugins: watch ? [problemMatcher] : [],
};

const contexts = await Promise.all([
  esbuild.context({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    plugins: [...common.plugins, msalAsSeparateBundle],
    // import() becomes require(), which the extension host resolves next to this bundle.
    supported: { 'dynamic-import': false },
  }),
  esbuild.context({ ...common, entryPoints: ['src/auth/msalBundle.ts'], outfile: 'dist/msal-node.js' }),
]);

if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
