// Bundles the extension into dist/extension.js. msal-node goes into a bundle of its own (dist/msal-node.js)
// that the extension loads only when an msal sign-in mode is used, so the default path never loads it; the
// Overview webview's script is dist/overview.js.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
  // The licences of bundled code ship in ThirdPartyNotices.txt instead.
  legalComments: 'none',
  metafile: true,
  plugins: watch ? [problemMatcher] : [],
};

/** The folder of the npm package a bundled file comes from (the innermost node_modules), or undefined for our code. */
function packageDir(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) {
    return undefined;
  }
  return parts.slice(0, at + (parts[at + 1]?.startsWith('@') ? 3 : 2)).join('/');
}

/** The licence text for a package that names its licence but ships no file: the MIT text with its author; else a stop. */
function standardLicence(manifest) {
  if (manifest.license !== 'MIT') {
    throw new Error(
      `${manifest.name} ships no licence file and its licence (${manifest.license}) has no text here: add it to esbuild.mjs.`,
    );
  }
  const author = typeof manifest.author === 'string' ? manifest.author : (manifest.author?.name ?? manifest.name);
  return [
    'MIT License (the package ships no licence file; this is the MIT text with its author)',
    '',
    `Copyright (c) ${author}`,
    '',
    'Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:',
    '',
    'The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.',
    '',
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.',
  ].join('\n');
}

/**
 * Writes ThirdPartyNotices.txt (shipped in the VSIX) with the name, version, licence and licence text of every npm
 * package bundled into dist/, and dist/third-party-packages.json (not shipped) listing them for the VSIX test.
 */
function writeNotices(metafiles) {
  const dirs = [...new Set(metafiles.flatMap((metafile) => Object.keys(metafile.inputs).map(packageDir).filter(Boolean)))];
  const packages = dirs
    .map((dir) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const licenceFile = fs.readdirSync(dir).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
      const text = licenceFile ? fs.readFileSync(path.join(dir, licenceFile), 'utf8').trim() : standardLicence(manifest);
      return { name: manifest.name, version: manifest.version, license: manifest.license, text };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const unique = packages.filter(
    (entry, index) => packages.findIndex((other) => other.name === entry.name && other.version === entry.version) === index,
  );
  const notices = [
    'Third-party notices for Intune VPP Tokens',
    '',
    'This extension bundles the following npm packages. Each is listed with its licence.',
    ...unique.flatMap((entry) => ['', '='.repeat(78), `${entry.name} ${entry.version} (${entry.license})`, '='.repeat(78), '', entry.text]),
    '',
  ].join('\n');
  fs.writeFileSync('ThirdPartyNotices.txt', notices);
  fs.writeFileSync(
    path.join('dist', 'third-party-packages.json'),
    JSON.stringify(
      unique.map(({ name, version, license }) => ({ name, version, license })),
      null,
      2,
    ),
  );
}

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
  // The Overview's webview runs in a browser frame: its own bundle, never loaded by the extension host.
  esbuild.context({
    ...common,
    entryPoints: ['src/overview/webview/main.ts'],
    outfile: 'dist/overview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    external: [],
  }),
]);

if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  const results = await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  writeNotices(results.map((result) => result.metafile));
}
