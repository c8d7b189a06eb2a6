import * as assert from 'node:assert/strict';
import {
  PickedFile,
  PickItem,
  PickOptions,
  ProgressReporter,
  StepAnswer,
  StepPickManyOptions,
  StepPickOptions,
  StepTextOptions,
  Ports,
} from '../../src/ui/userInput';

/**
 * An answer for the next prompt: a label (or labels) to pick, a confirm/cancel, a modal's button by its label, text,
 * `escape`, or `back` (the Back button of a step of a multi-step input).
 */
export type Answer =
  | { pick: string }
  | { pickMany: string[] }
  | { confirm: boolean }
  | { button: string }
  | { text: string }
  | { file: PickedFile }
  | 'escape'
  | 'back';

export interface Shown {
  readonly kind:
    | 'pickOne'
    | 'pickMany'
    | 'confirm'
    | 'inputSecret'
    | 'inputText'
    | 'invalid'
    | 'info'
    | 'error'
    | 'warning'
    | 'progress'
    | 'report'
    | 'deviceCode'
    | 'save'
    | 'open';
  readonly title?: string;
  readonly message?: string;
  readonly detail?: string;
  readonly items?: readonly PickItem<unknown>[];
  readonly buttons?: readonly string[];
  /** A step of a multi-step input: where it stands ("2/5"). */
  readonly step?: string;
  /** A step's starting point: the earlier answer (text, or the highlighted item's label). */
  readonly value?: string;
}

/** UserInput that answers from a script, in order, and records everything shown. Fails on an unexpected prompt. */
export class ScriptedUserInput implements Ports {
  readonly shown: Shown[] = [];
  private readonly answers: Answer[];
  /** What `error` returns: the action the user chooses (after `errorChoices` ran out). */
  errorChoice: string | undefined;
  /** The actions chosen for the next errors, in order. */
  readonly errorChoices: string[] = [];
  /** Called when an error is shown, before it is answered: tests change the world meanwhile. */
  onError: (() => void) | undefined;
  /** Progress messages reported so far. */
  readonly progressReports: string[] = [];
  /** Called when a confirmation is shown, before it is answered: tests change the world meanwhile. */
  onConfirm: (() => void) | undefined;
  /** Called when a device code is shown, with the code: tests approve (or cancel) the sign-in there. */
  onDeviceCode: ((userCode: string, cancel: () => void) => void) | undefined;
  private cancelProgress: (() => void) | undefined;
  /** Called on each progress report with the means to press Cancel. */
  onProgressReport: ((message: string, cancel: () => void) => void) | undefined;

  constructor(answers: Answer[] = []) {
    this.answers = [...answers];
  }

  remaining(): number {
    return this.answers.length;
  }

  /**
   * Prompts nobody scripted. The command's own error handler may swallow the throw below, so the test helpers
   * (`run`, `withUi`) check this list: a test that checks "nothing was sent" cannot pass for the wrong reason.
   */
  readonly unexpected: string[] = [];

  private next(kind: string): Answer {
    const answer = this.answers.shift();
    if (answer === undefined) {
      this.unexpected.push(kind);
    }
    assert.ok(answer !== undefined, `unexpected ${kind}: the script has no more answers`);
    return answer;
  }

  /** Set by a test whose flow may end before every scripted answer is asked for (say why where it is set). */
  mayLeaveAnswersUnused = false;

  /**
   * Fails when a prompt came that the script did not expect, or when a scripted answer was never asked for: a
   * prompt the product stopped showing must not go unnoticed.
   */
  assertScriptFollowed(): void {
    assert.deepEqual(this.unexpected, [], 'a prompt came that the test did not script');
    if (!this.mayLeaveAnswersUnused) {
      assert.deepEqual(this.answers, [], 'scripted answers were never asked for: the product did not show a prompt the test expected');
    }
  }

  async pickOne<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined> {
    this.shown.push({ kind: 'pickOne', title: options.title, items });
    const answer = this.next('pickOne');
    if (answer === 'escape') {
      return undefined;
    }
    assert.ok(answer !== 'back', 'a single quick pick has no Back button');
    assert.ok('pick' in answer, `expected a pick answer, got ${JSON.stringify(answer)}`);
    const item = items.find((candidate) => candidate.label === answer.pick);
    assert.ok(item, `no item labelled ${answer.pick}`);
    return item.value;
  }

  async pickMany<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T[] | undefined> {
    this.shown.push({ kind: 'pickMany', title: options.title, items });
    const answer = this.next('pickMany');
    if (answer === 'escape') {
      return undefined;
    }
    assert.ok(answer !== 'back', 'a single quick pick has no Back button');
    assert.ok('pickMany' in answer, `expected a pickMany answer, got ${JSON.stringify(answer)}`);
    return answer.pickMany.map((label) => {
      const item = items.find((candidate) => candidate.label === label);
      assert.ok(item, `no item labelled ${label}`);
      return item.value;
    });
  }

  async confirm(message: string, detail: string, confirmLabel: string): Promise<boolean> {
    this.shown.push({ kind: 'confirm', message, detail, buttons: [confirmLabel] });
    this.onConfirm?.();
    const answer = this.next('confirm');
    if (answer === 'escape') {
      return false;
    }
    assert.ok(answer !== 'back', 'a dialog has no Back button');
    assert.ok('confirm' in answer, `expected a confirm answer, got ${JSON.stringify(answer)}`);
    return answer.confirm;
  }

  async inputSecret(title: string, prompt: string): Promise<string | undefined> {
    this.shown.push({ kind: 'inputSecret', title, message: prompt });
    return this.textAnswer('inputSecret', 'a single input box');
  }

  /** The next answer as text, for a prompt without a Back button (`what` names it); `escape` gives undefined. */
  private textAnswer(kind: string, what: string): string | undefined {
    const answer = this.next(kind);
    if (answer === 'escape') {
      return undefined;
    }
    assert.ok(answer !== 'back', `${what} has no Back button`);
    assert.ok('text' in answer, `expected a text answer, got ${JSON.stringify(answer)}`);
    return answer.text;
  }

  /** Each text answer is checked like the input box does: a refused one is recorded as `invalid` and the next taken. */
  async inputText(title: string, prompt: string, validate: (value: string) => string | undefined): Promise<string | undefined> {
    this.shown.push({ kind: 'inputText', title, message: prompt });
    for (;;) {
      const answer = this.next('inputText');
      if (answer === 'escape') {
        return undefined;
      }
      assert.ok(answer !== 'back', 'a single input box has no Back button');
      assert.ok('text' in answer, `expected a text answer, got ${JSON.stringify(answer)}`);
      const refusal = validate(answer.text);
      if (refusal === undefined) {
        return answer.text.trim();
      }
      this.shown.push({ kind: 'invalid', title, message: refusal });
    }
  }

  /** A step's quick pick: recorded as `pickOne` with where it stands; `back` is refused on step 1, which has no Back button. */
  async stepPick<T>(items: readonly PickItem<T>[], options: StepPickOptions<T>): Promise<StepAnswer<T>> {
    const active = items.find((item) => options.active !== undefined && item.value === options.active);
    this.shown.push({ kind: 'pickOne', title: options.title, items, step: `${options.step}/${options.totalSteps}`, value: active?.label });
    const answer = this.next('pickOne');
    if (answer === 'escape') {
      return undefined;
    }
    if (answer === 'back') {
      assert.ok(options.step > 1, 'step 1 has no Back button');
      return 'back';
    }
    assert.ok('pick' in answer, `expected a pick answer, got ${JSON.stringify(answer)}`);
    const item = items.find((candidate) => candidate.label === answer.pick);
    assert.ok(item, `no item labelled ${answer.pick}`);
    return { value: item.value };
  }

  /**
   * A step's multi-select pick: recorded as `pickMany` with where it stands and the labels ticked (comma-separated)
   * as its starting point; `back` is refused on step 1.
   */
  async stepPickMany<T>(items: readonly PickItem<T>[], options: StepPickManyOptions<T>): Promise<StepAnswer<T[]>> {
    const picked = items.filter((item) => options.picked.includes(item.value)).map((item) => item.label);
    this.shown.push({
      kind: 'pickMany',
      title: options.title,
      items,
      step: `${options.step}/${options.totalSteps}`,
      value: picked.join(', '),
    });
    const answer = this.next('pickMany');
    if (answer === 'escape') {
      return undefined;
    }
    if (answer === 'back') {
      assert.ok(options.step > 1, 'step 1 has no Back button');
      return 'back';
    }
    assert.ok('pickMany' in answer, `expected a pickMany answer, got ${JSON.stringify(answer)}`);
    return {
      value: answer.pickMany.map((label) => {
        const item = items.find((candidate) => candidate.label === label);
        assert.ok(item, `no item labelled ${label}`);
        return item.value;
      }),
    };
  }

  /**
   * A confirmation step, recorded as `confirm` with Back among its buttons when offered: `{ button }` chooses one by
   * its label, `{ confirm: true }` the first.
   */
  async stepChoose(message: string, detail: string, buttons: readonly string[], back: boolean): Promise<StepAnswer<string>> {
    this.shown.push({ kind: 'confirm', message, detail, buttons: back ? [...buttons, 'Back'] : [...buttons] });
    this.onConfirm?.();
    const answer = this.next('confirm');
    if (answer === 'escape') {
      return undefined;
    }
    if (answer === 'back') {
      assert.ok(back, 'this dialog has no Back button');
      return 'back';
    }
    if ('button' in answer) {
      assert.ok(buttons.includes(answer.button), `this dialog has no button "${answer.button}": ${buttons.join(', ')}`);
      return { value: answer.button };
    }
    assert.ok('confirm' in answer, `expected a confirm answer, got ${JSON.stringify(answer)}`);
    return answer.confirm ? { value: buttons[0] } : undefined;
  }

  /** A step's input box: recorded as `inputText` with where it stands and its starting text, validated like inputText. */
  async stepText(options: StepTextOptions): Promise<StepAnswer<string>> {
    this.shown.push({
      kind: 'inputText',
      title: options.title,
      message: options.prompt,
      step: `${options.step}/${options.totalSteps}`,
      value: options.value,
    });
    for (;;) {
      const answer = this.next('inputText');
      if (answer === 'escape') {
        return undefined;
      }
      if (answer === 'back') {
        assert.ok(options.step > 1, 'step 1 has no Back button');
        return 'back';
      }
      assert.ok('text' in answer, `expected a text answer, got ${JSON.stringify(answer)}`);
      const refusal = options.validate(answer.text);
      if (refusal === undefined) {
        return { value: answer.text.trim() };
      }
      this.shown.push({ kind: 'invalid', title: options.title, message: refusal });
    }
  }

  async info(message: string): Promise<void> {
    this.shown.push({ kind: 'info', message });
  }

  /** An information message with actions: answered as an error's are (errorChoices, then errorChoice). */
  async inform(message: string, actions: readonly string[]): Promise<string | undefined> {
    this.shown.push({ kind: 'info', message, buttons: actions });
    return this.errorChoices.length > 0 ? this.errorChoices.shift() : this.errorChoice;
  }

  async error(message: string, actions: readonly string[]): Promise<string | undefined> {
    this.shown.push({ kind: 'error', message, buttons: actions });
    this.onError?.();
    return this.errorChoices.length > 0 ? this.errorChoices.shift() : this.errorChoice;
  }

  /** A warning is answered like an error: from `errorChoices`, then `errorChoice`. */
  async warning(message: string, actions: readonly string[]): Promise<string | undefined> {
    this.shown.push({ kind: 'warning', message, buttons: actions });
    return this.errorChoices.length > 0 ? this.errorChoices.shift() : this.errorChoice;
  }

  async withProgress<T>(title: string, task: (progress: ProgressReporter) => Promise<T>, cancellable = false): Promise<T> {
    this.shown.push({ kind: 'progress', title, buttons: cancellable ? ['Cancel'] : [] });
    const cancel = new AbortController();
    this.cancelProgress = () => cancel.abort();
    return task({
      report: (message) => {
        this.progressReports.push(message);
        this.onProgressReport?.(message, () => cancel.abort());
      },
      signal: cancel.signal,
    });
  }

  /** What was put on the clipboard, in order. */
  readonly copied: string[] = [];

  async copyText(text: string): Promise<void> {
    this.copied.push(text);
  }

  async showReport(title: string, text: string): Promise<void> {
    this.shown.push({ kind: 'report', title, message: text });
  }

  async pickPemFiles(title: string): Promise<string | undefined> {
    this.shown.push({ kind: 'inputSecret', title });
    return this.textAnswer('pickPemFiles', 'a file dialog');
  }

  /** The file picked comes from a `file` answer, cut as VS Code's picker cuts it: no text beyond `maxBytes`. */
  async pickTextFile(title: string, _filters: unknown, maxBytes: number): Promise<PickedFile | undefined> {
    this.shown.push({ kind: 'open', title });
    const answer = this.next('pickTextFile');
    if (answer === 'escape') {
      return undefined;
    }
    assert.ok(typeof answer === 'object' && 'file' in answer, `expected a file answer, got ${JSON.stringify(answer)}`);
    return answer.file.size > maxBytes ? { name: answer.file.name, size: answer.file.size } : answer.file;
  }

  /** The path to save to comes from a text answer; `escape` dismisses the dialog. */
  async pickSaveLocation(title: string, defaultName: string): Promise<string | undefined> {
    this.shown.push({ kind: 'save', title, value: defaultName });
    return this.textAnswer('pickSaveLocation', 'a save dialog');
  }

  /** Files written, by path: tests read what a command wrote. */
  readonly written = new Map<string, string>();

  async writeTextFile(path: string, text: string): Promise<void> {
    this.written.set(path, text);
  }

  /** Images written, by path. */
  readonly writtenBytes = new Map<string, Uint8Array>();

  async writeBytes(path: string, bytes: Uint8Array): Promise<void> {
    this.writtenBytes.set(path, bytes);
  }

  showDeviceCode(message: string, userCode: string, verificationUri: string): void {
    this.shown.push({ kind: 'deviceCode', message, detail: verificationUri, buttons: [userCode] });
    this.onDeviceCode?.(userCode, () => this.cancelProgress?.());
  }

  of(kind: Shown['kind']): Shown[] {
    return this.shown.filter((entry) => entry.kind === kind);
  }
}
