import * as path from 'node:path';

/** The project root, whether this runs from out/test or from test. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', __dirname.includes(`${path.sep}out${path.sep}`) ? '..' : '');
/** Git-ignored cache: the test CA, the provisioned VS Code. */
export const CACHE_DIR = path.join(PROJECT_ROOT, '.vscode-test');
export const CERT_DIR = path.join(CACHE_DIR, 'certs');
/** Git-ignored folder for screenshots and logs of failed runs. */
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, '.test-artifacts');
