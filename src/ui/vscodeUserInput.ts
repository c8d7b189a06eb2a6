import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { ConfigurationError } from '../errors';
import { plainText } from '../text';
import { BoundedRead, readBoundedFile } from './readBoundedFile';
import { NotificationPacer } from './notificationPacer';
import {
  PickedFile,
  PickItem,
  PickOptions,
  ProgressReporter,
  SaveFilters,
  StepAnswer,
  StepPickManyOptions,
  StepPickOptions,
  StepPosition,
  Ports,
  StepTextOptions,
} from './userInput';

type ValueItem<T> = vscode.QuickPickItem & { value: T };

function toQuickPickItems<T>(items: readonly PickItem<T>[]): ValueItem<T>[] {
  return items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, value: item.value }));
}

/**
 * Shows a quick input as one step of several and settles with its answer: `accept` gives the value (or keeps the
 * step open), Back gives `back`, hiding it (Escape, focus elsewhere) gives undefined.
 */
function runStep<T>(
  input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox,
  accept: () => StepAnswer<T> | 'stay',
): Promise<StepAnswer<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: StepAnswer<T>) => {
      if (!settled) {
        settled = true;
        resolve(answer);
        input.dispose();
      }
    };
    input.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) {
        settle('back');
      }
    });
    input.onDidAccept(() => {
      const answer = accept();
      if (answer !== 'stay') {
        settle(answer);
      }
    });
    input.onDidHide(() => settle(undefined));
    input.show();
  });
}

/** A quick pick as one step of several: its title, step count, Back from step 2, and the kind's own options. */
function stepQuickPick<T>(
  items: readonly PickItem<T>[],
  options: PickOptions & StepPosition,
  kind: Partial<Pick<vscode.QuickPick<ValueItem<T>>, 'canSelectMany' | 'matchOnDescription' | 'matchOnDetail'>>,
): { pick: vscode.QuickPick<ValueItem<T>>; quickPickItems: ValueItem<T>[] } {
  const pick = vscode.window.createQuickPick<ValueItem<T>>();
  const quickPickItems = toQuickPickItems(items);
  Object.assign(pick, {
    title: options.title,
    placeholder: options.placeHolder,
    step: options.step,
    totalSteps: options.totalSteps,
    buttons: options.step > 1 ? [vscode.QuickInputButtons.Back] : [],
    items: quickPickItems,
    ignoreFocusOut: true,
    ...kind,
  });
  return { pick, quickPickItems };
}

/** UserInput on VS Code's window. Every notification, progress included, waits for its turn (see NotificationPacer). */
export class VscodeUserInput implements Ports {
  constructor(private readonly pacer = new NotificationPacer()) {}

  async pickOne<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(toQuickPickItems(items), {
      title: options.title,
      placeHolder: options.placeHolder,
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    return picked?.value;
  }

  async pickMany<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T[] | undefined> {
    const picked = await vscode.window.showQuickPick(toQuickPickItems(items), {
      title: options.title,
      placeHolder: options.placeHolder,
      canPickMany: true,
      ignoreFocusOut: true,
    });
    return picked?.map((item) => item.value);
  }

  stepPick<T>(items: readonly PickItem<T>[], options: StepPickOptions<T>): Promise<StepAnswer<T>> {
    const { pick, quickPickItems } = stepQuickPick(items, options, { matchOnDescription: true, matchOnDetail: true });
    const active = quickPickItems.find((item) => options.active !== undefined && item.value === options.active);
    if (active) {
      pick.activeItems = [active];
    }
    return runStep<T>(pick, () => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      return chosen ? { value: chosen.value } : 'stay';
    });
  }

  stepPickMany<T>(items: readonly PickItem<T>[], options: StepPickManyOptions<T>): Promise<StepAnswer<T[]>> {
    const { pick, quickPickItems } = stepQuickPick(items, options, { canSelectMany: true });
    pick.selectedItems = quickPickItems.filter((item) => options.picked.includes(item.value));
    return runStep<T[]>(pick, () => ({ value: pick.selectedItems.map((item) => item.value) }));
  }

  async stepChoose(message: string, detail: string, buttons: readonly string[], back: boolean): Promise<StepAnswer<string>> {
    const backLabel = l10n.t('Back');
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons, ...(back ? [backLabel] : []));
    if (answer === backLabel && back) {
      return 'back';
    }
    return answer !== undefined && buttons.includes(answer) ? { value: answer } : undefined;
  }

  stepText(options: StepTextOptions): Promise<StepAnswer<string>> {
    const box = vscode.window.createInputBox();
    Object.assign(box, {
      title: options.title,
      prompt: options.prompt,
      value: options.value ?? '',
      step: options.step,
      totalSteps: options.totalSteps,
      buttons: options.step > 1 ? [vscode.QuickInputButtons.Back] : [],
      ignoreFocusOut: true,
    });
    box.onDidChangeValue((value) => {
      box.validationMessage = value ? options.validate(value) : undefined;
    });
    return runStep<string>(box, () => {
      const refusal = options.validate(box.value);
      box.validationMessage = refusal;
      return refusal === undefined ? { value: box.value.trim() } : 'stay';
    });
  }

  async confirm(message: string, detail: string, confirmLabel: string): Promise<boolean> {
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel);
    return answer === confirmLabel;
  }

  inputSecret(title: string, prompt: string): Promise<string | undefined> {
    return Promise.resolve(
      vscode.window.showInputBox({
        title,
        prompt,
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? undefined : prompt),
      }),
    );
  }

  async inputText(title: string, prompt: string, validate: (value: string) => string | undefined): Promise<string | undefined> {
    const value = await vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput: validate });
    return value?.trim();
  }

  async info(message: string): Promise<void> {
    await this.pacer.turn();
    // Not awaited: the promise settles only when the notification closes.
    void vscode.window.showInformationMessage(message);
  }

  async inform(message: string, actions: readonly string[]): Promise<string | undefined> {
    await this.pacer.turn();
    return vscode.window.showInformationMessage(message, ...actions);
  }

  async error(message: string, actions: readonly string[]): Promise<string | undefined> {
    await this.pacer.turn();
    return vscode.window.showErrorMessage(message, ...actions);
  }

  async warning(message: string, actions: readonly string[]): Promise<string | undefined> {
    await this.pacer.turn();
    return vscode.window.showWarningMessage(message, ...actions);
  }

  async withProgress<T>(title: string, task: (progress: ProgressReporter) => Promise<T>, cancellable = false): Promise<T> {
    await this.pacer.turn();
    return vscode.window.withProgress<T>({ location: vscode.ProgressLocation.Notification, title, cancellable }, (progress, token) => {
      const cancel = new AbortController();
      const subscription = token.onCancellationRequested(() => cancel.abort());
      return task({ report: (message) => progress.report({ message }), signal: cancel.signal }).finally(() => {
        subscription.dispose();
      });
    });
  }

  showDeviceCode(message: string, userCode: string, verificationUri: string): void {
    const copyAndOpen = l10n.t('Copy & Open');
    void this.pacer.turn().then(async () => {
      const choice = await vscode.window.showInformationMessage(plainText(message, 400), copyAndOpen);
      if (choice === copyAndOpen) {
        await vscode.env.clipboard.writeText(userCode);
        await vscode.env.openExternal(vscode.Uri.parse(verificationUri));
      }
    });
  }

  async pickPemFiles(title: string): Promise<string | undefined> {
    const files = await vscode.window.showOpenDialog({
      title,
      canSelectMany: true,
      openLabel: l10n.t('Use'),
      filters: { [l10n.t('PEM files')]: ['pem', 'crt', 'cer', 'key'] },
    });
    if (!files || files.length === 0) {
      return undefined;
    }
    const texts: string[] = [];
    for (const file of files) {
      const read = await readPicked(file, MAX_PEM_FILE_BYTES);
      if (read.kind !== 'text') {
        throw new ConfigurationError(
          read.kind === 'tooLarge'
            ? l10n.t('The file "{0}" is larger than 64 KB: it is not a certificate or a private key.', fileName(file))
            : l10n.t('"{0}" is not a regular file. Choose the PEM file itself.', fileName(file)),
        );
      }
      texts.push(read.text);
    }
    return texts.join('\n');
  }

  async pickTextFile(
    title: string,
    filters: Readonly<Record<string, readonly string[]>>,
    maxBytes: number,
  ): Promise<PickedFile | undefined> {
    const [file] =
      (await vscode.window.showOpenDialog({
        title,
        canSelectMany: false,
        openLabel: l10n.t('Use'),
        filters: {
          ...Object.fromEntries(Object.entries(filters).map(([name, extensions]) => [name, [...extensions]])),
          [l10n.t('All files')]: ['*'],
        },
      })) ?? [];
    if (!file) {
      return undefined;
    }
    const name = fileName(file);
    const read = await readPicked(file, maxBytes);
    if (read.kind === 'notAFile') {
      throw new ConfigurationError(l10n.t('"{0}" is not a regular file. Choose the file itself.', name));
    }
    return read.kind === 'text' ? { name, size: read.size, text: read.text } : { name, size: read.size, text: undefined };
  }

  async pickSaveLocation(title: string, defaultName: string, filters?: SaveFilters): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      title,
      defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined,
      filters: Object.fromEntries(
        Object.entries(filters ?? { CSV: ['csv'], JSON: ['json'] }).map(([name, extensions]) => [name, [...extensions]]),
      ),
    });
    return uri?.toString();
  }

  async writeTextFile(path: string, text: string): Promise<void> {
    await vscode.workspace.fs.writeFile(vscode.Uri.parse(path), new TextEncoder().encode(text));
  }

  async writeBytes(path: string, bytes: Uint8Array): Promise<void> {
    await vscode.workspace.fs.writeFile(vscode.Uri.parse(path), bytes);
  }

  async copyText(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }

  async showReport(title: string, text: string): Promise<void> {
    const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: `${title}\n\n${text}` });
    await vscode.window.showTextDocument(document, { preview: false });
  }
}

/** A certificate and its key take a few KB; a PEM file above this is not one. */
const MAX_PEM_FILE_BYTES = 64 * 1024;

function fileName(file: vscode.Uri): string {
  return file.path.slice(file.path.lastIndexOf('/') + 1);
}

/**
 * A picked file's text, never more than `maxBytes` read. A local file goes through `readBoundedFile` (regular files
 * only, bounded whatever `stat` says); a file of another file system provider must say it is a file and its size,
 * and is checked again once read.
 */
async function readPicked(file: vscode.Uri, maxBytes: number): Promise<BoundedRead> {
  if (file.scheme === 'file') {
    return readBoundedFile(file.fsPath, maxBytes);
  }
  const { type, size, mtime } = await vscode.workspace.fs.stat(file);
  if ((type & vscode.FileType.File) === 0) {
    return { kind: 'notAFile' };
  }
  if (size > maxBytes) {
    return { kind: 'tooLarge', size };
  }
  const bytes = await vscode.workspace.fs.readFile(file);
  return bytes.byteLength > maxBytes
    ? { kind: 'tooLarge', size: bytes.byteLength }
    : { kind: 'text', text: new TextDecoder().decode(bytes), size: bytes.byteLength, modifiedMs: mtime };
}
