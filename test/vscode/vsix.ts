import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';

/** The VSIX `npm run package` writes; the tests install exactly that. */
export function vsixPath(): string {
  const vsix = path.join(PROJECT_ROOT, 'intune-vpp-tokens.vsix');
  if (!fs.existsSync(vsix)) {
    throw new Error(`${vsix} is missing: run "npm run package" first (npm test does).`);
  }
  return vsix;
}
