import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedLocation, vppTokenFile } from '../simulatedTenant/seed';

/**
 * Token files for the demo's simulated tenant, written into the folder VS Code opens: one for a new location (Add
 * VPP Token…) and one that renews the expired "Contoso Labs" (Renew Token…). Returns their names.
 */
export function writeDemoTokenFiles(folder: string): string[] {
  const nextYear = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');
  const files: [string, string][] = [
    ['Berlin office (new location).vpptoken', vppTokenFile({ location: 'Berlin office', expDate: nextYear })],
    ['Contoso Labs (renewal).vpptoken', vppTokenFile({ location: seedLocation(3), expDate: nextYear })],
  ];
  fs.mkdirSync(folder, { recursive: true });
  for (const [name, text] of files) {
    fs.writeFileSync(path.join(folder, name), text);
  }
  return files.map(([name]) => name);
}
