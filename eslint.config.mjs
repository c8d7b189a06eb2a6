// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of `src`, in the order data flows: each may import only the ones before it. The leaves (`ids`, `csv`,
 * `errors`, `log`, `text`) import no layer; `extension.ts` and `testApi.ts` wire everything together.
 */
const LAYERS = ['config', 'ui', 'graph', 'journal', 'auth', 'tenants', 'store', 'tree', 'alerts', 'overview', 'commands', 'chat'];
const LEAVES = ['src/ids.ts', 'src/errors.ts', 'src/log.ts', 'src/text.ts', 'src/csv.ts'];

const MESSAGE =
  'The layers of src go config → ui → graph → journal → auth → tenants → store → tree → alerts → overview → commands → chat; a layer imports only the ones before it.';

/**
 * Imports of the given folders (or root modules) of src, written from src itself (`./x`) or from a layer folder at
 * any depth (`../x`, `../../x`…): a file in a subfolder of a layer is held to its layer's rule.
 */
function forbidden(names, fromRoot) {
  return { patterns: names.map((name) => ({ regex: `^${fromRoot ? '\\.' : '(\\.\\./)*\\.\\.'}/${name}(/|$)`, message: MESSAGE })) };
}

const layerRules = [
  { files: LEAVES, rules: { 'no-restricted-imports': ['error', forbidden(LAYERS, true)] } },
  ...LAYERS.map((layer, index) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', forbidden([...LAYERS.slice(index + 1), 'extension', 'testApi'], false)] },
  })),
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', '.test-artifacts/**', '*.vsix', '.stryker-tmp/**', 'reports/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Fakes implement async interfaces with values at hand.
      '@typescript-eslint/require-await': 'off',
      // Tests feed and look for control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  ...layerRules,
  {
    // What runs in the Overview's webview: no VS Code API, no Node, no host module; only the shared chart code.
    files: [
      'src/overview/webview/**/*.ts',
      'src/overview/overviewCharts.ts',
      'src/overview/overviewModel.ts',
      'src/overview/overviewProtocol.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.\\.?/overview(Charts|Model|Protocol)$)',
              message: 'The webview bundle holds only the Overview chart code (overviewCharts, overviewModel, overviewProtocol).',
            },
          ],
        },
      ],
    },
  },
  {
    // Long functions hide their steps: split them into functions named for what each does.
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
);
