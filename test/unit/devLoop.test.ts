import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';

interface Task {
  readonly label: string;
  readonly script?: string;
  readonly command?: string;
  readonly dependsOn?: string | string[];
}

/** F5 works from a fresh clone: each launch's pre-launch tasks make what its VS Code needs before it starts. */
describe('The developer loop (.vscode)', () => {
  const read = <T>(file: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, '.vscode', file), 'utf8')) as T;
  const tasks = read<{ tasks: Task[] }>('tasks.json').tasks;
  const launches = read<{ configurations: { name: string; preLaunchTask?: string }[] }>('launch.json').configurations;

  /** A task and every task it depends on, transitively. */
  function chain(label: string | undefined): Task[] {
    const task = tasks.find((candidate) => candidate.label === label);
    assert.ok(task, `no task "${label}"`);
    const dependsOn = typeof task.dependsOn === 'string' ? [task.dependsOn] : (task.dependsOn ?? []);
    return [task, ...dependsOn.flatMap(chain)];
  }
  const launch = (name: string) => launches.find((configuration) => configuration.name === name)?.preLaunchTask;

  it('Extension Tests builds and then makes the test certificates its VS Code trusts', () => {
    const steps = chain(launch('Extension Tests'));
    assert.ok(steps.some((task) => task.command === 'node out/test/makeCertificates.js'));
    assert.ok(steps.some((task) => task.label === 'build'));
  });

  it('Run Extension starts the simulated tenant on the watch build', () => {
    const steps = chain(launch('Run Extension (simulated tenant)'));
    assert.ok(steps.some((task) => task.script === 'watch'));
    assert.ok(steps.some((task) => task.command === 'node out/test/demo/f5.js'));
  });
});
