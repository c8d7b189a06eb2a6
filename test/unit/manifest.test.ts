import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, CONTEXT_KEYS, HISTORY_VIEW_ID, VIEW_ID } from '../../src/ids';
import { PROJECT_ROOT } from '../paths';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    menus: Record<string, { command?: string; when?: string }[]>;
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as Manifest;

describe('package.json and src/ids.ts name the same things', () => {
  it('every contributed command has an id in COMMANDS (and so a handler), and every id is contributed', () => {
    const contributed = manifest.contributes.commands.map((entry) => entry.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
  });

  it('the views and every context key a when clause reads are in src/ids.ts', () => {
    assert.deepEqual(
      Object.values(manifest.contributes.views)
        .flat()
        .map((view) => view.id),
      [VIEW_ID, HISTORY_VIEW_ID],
    );
    const clauses: string[] = [];
    const collect = (value: unknown, key = ''): void => {
      if (typeof value === 'string' && (key === 'when' || key === 'enablement')) {
        clauses.push(value);
      } else if (value && typeof value === 'object') {
        Object.entries(value).forEach(([name, entry]) => collect(entry, Array.isArray(value) ? key : name));
      }
    };
    collect(manifest.contributes);
    assert.ok(clauses.length > 5);
    // `config.intuneVpp.…` reads a setting, not a context key.
    const read = new Set(clauses.flatMap((clause) => [...clause.matchAll(/(?<![\w.])intuneVpp\.\w+/g)].map((match) => match[0])));
    const known = new Set<string>([...Object.values(CONTEXT_KEYS), VIEW_ID, HISTORY_VIEW_ID]);
    assert.ok(read.has(CONTEXT_KEYS.viewState) && read.has(CONTEXT_KEYS.authMode), 'the clauses were read');
    const unknown = [...read].filter((key) => !known.has(key));
    assert.deepEqual(unknown, [], 'a when clause reads a context key that src/ids.ts does not define');
  });
});
