// Runs the integration suite on desktop VS Code with @vscode/test-cli (`npm run test:desktop`), wherever
// VS Code's download server is reachable. `npm test` runs the same suite in code-server instead (see README).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  version: 'stable',
  workspaceFolder: './test/integration/workspace',
  mocha: { ui: 'bdd', timeout: 60000 },
  // The simulated tenant's test CA, made first by `npm run test:desktop` (and by F5's Extension Tests).
  env: { NODE_EXTRA_CA_CERTS: '.vscode-test/certs/ca.pem' },
});
