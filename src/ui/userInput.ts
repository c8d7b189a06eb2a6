/** A file the user picked: its name, its size, and its text when it was small enough to read. */
export interface PickedFile {
  readonly name: string;
  readonly size: number;
  readonly text?: string;
}

/** One choice in a quick pick, carrying the value it stands for. */
export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
}

/** The kinds of file a save dialog offers: a name and its extensions each (`{ CSV: ['csv'] }`). */
export type SaveFilters = Readonly<Record<string, readonly string[]>>;

export interface PickOptions {
  readonly title: string;
  readonly placeHolder: string;
}

/** Where a step stands in a multi-step input: VS Code shows the count beside the title, and Back from step 2. */
export interface StepPosition {
  readonly step: number;
  readonly totalSteps: number;
}

/** What one step of a multi-step input got: a value, `back`, or undefined when the user dismissed it. */
export type StepAnswer<T> = { readonly value: T } | 'back' | undefined;

export interface StepPickOptions<T> extends PickOptions, StepPosition {
  /** The item to highlight: the answer given before the user came back to this step. */
  readonly active?: T;
}

export interface StepPickManyOptions<T> extends PickOptions, StepPosition {
  /** The items ticked: the answer given before the user came back to this step. */
  readonly picked: readonly T[];
}

export interface StepTextOptions extends StepPosition {
  readonly title: string;
  readonly prompt: string;
  /** The text to start from: the answer given before the user came back to this step. */
  readonly value?: string;
  /** Why a value is refused, or undefined to accept it. */
  readonly validate: (value: string) => string | undefined;
}

/** What a task under progress sees: where to report, and whether the user cancelled. */
export interface ProgressReporter {
  report(message: string): void;
  /** Aborts when the user presses Cancel (only for cancellable progress). */
  readonly signal: AbortSignal;
}

/**
 * What a command asks of the user and tells them: prompts, messages and progress. Production passes VS Code's
 * window; tests pass a scripted implementation with the answers in order. `undefined` or `false` means the user
 * dismissed it. Files, the clipboard and reports are ports of their own.
 */
export interface UserInput {
  pickOne<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined>;
  pickMany<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T[] | undefined>;
  /** A modal warning; true only when the user pressed the confirming button. */
  confirm(message: string, detail: string, confirmLabel: string): Promise<boolean>;
  inputSecret(title: string, prompt: string): Promise<string | undefined>;
  /** Asks for a line of text; `validate` returns why a value is refused, or undefined to accept it. */
  inputText(title: string, prompt: string, validate: (value: string) => string | undefined): Promise<string | undefined>;
  /** One step of a multi-step input (see runSteps): a quick pick, with a Back button from step 2. */
  stepPick<T>(items: readonly PickItem<T>[], options: StepPickOptions<T>): Promise<StepAnswer<T>>;
  /** One step of a multi-step input (see runSteps): a multi-select quick pick, with a Back button from step 2. */
  stepPickMany<T>(items: readonly PickItem<T>[], options: StepPickManyOptions<T>): Promise<StepAnswer<T[]>>;
  /**
   * A confirmation step of a multi-step input: a modal warning with its buttons (the first is the default) and, when
   * `back`, a Back button that returns to the step before. The button chosen, `back`, or undefined when dismissed.
   */
  stepChoose(message: string, detail: string, buttons: readonly string[], back: boolean): Promise<StepAnswer<string>>;
  /** One step of a multi-step input (see runSteps): an input box, with a Back button from step 2. Answers are trimmed. */
  stepText(options: StepTextOptions): Promise<StepAnswer<string>>;
  /** Shows an information message; resolves once shown, not when it closes. */
  info(message: string): Promise<void>;
  /** Shows an information message with actions (not modal); returns the action chosen, once it closes. */
  inform(message: string, actions: readonly string[]): Promise<string | undefined>;
  /** Shows a warning with actions (not modal); returns the action chosen. */
  warning(message: string, actions: readonly string[]): Promise<string | undefined>;
  /** Shows an error with actions; returns the action chosen. */
  error(message: string, actions: readonly string[]): Promise<string | undefined>;
  /** Runs a task under a progress notification, with a Cancel button when `cancellable`. */
  withProgress<T>(title: string, task: (progress: ProgressReporter) => Promise<T>, cancellable?: boolean): Promise<T>;
  /** Shows a device code sign-in's code and where to enter it, with a way to copy the code and open the page. */
  showDeviceCode(message: string, userCode: string, verificationUri: string): void;
}

/** The files a command reads and writes where the admin says. */
export interface FilePort {
  /**
   * Asks where to save a file of the kinds in `filters` (a name and its extensions each; CSV and JSON when not given);
   * returns the chosen path, or undefined when dismissed.
   */
  pickSaveLocation(title: string, defaultName: string, filters?: SaveFilters): Promise<string | undefined>;
  /** Writes text to a path the user chose with pickSaveLocation. */
  writeTextFile(path: string, text: string): Promise<void>;
  /** Writes bytes (an image) to a path the user chose with pickSaveLocation. */
  writeBytes(path: string, bytes: Uint8Array): Promise<void>;
  /** Lets the user choose PEM files; returns their text joined, or undefined when dismissed. */
  pickPemFiles(title: string): Promise<string | undefined>;
  /**
   * Lets the user choose one file of the kinds in `filters` (a name and its extensions each); its text is read
   * only when it is at most `maxBytes` long.
   */
  pickTextFile(title: string, filters: Readonly<Record<string, readonly string[]>>, maxBytes: number): Promise<PickedFile | undefined>;
}

/** The clipboard. */
export interface ClipboardPort {
  /** Puts text on the clipboard. */
  copyText(text: string): Promise<void>;
}

/** Where a plain-text report opens, e.g. the per-token outcome of a bulk action. */
export interface ReportPort {
  showReport(title: string, text: string): Promise<void>;
}

/** Every port a command may use: VS Code's window implements them all, and so does a test's script. */
export type Ports = UserInput & FilePort & ClipboardPort & ReportPort;

/** Forwards to ports that integration tests can swap for scripted ones (only in test mode, see extension.ts). */
export class ReplaceableUserInput implements Ports {
  constructor(private current: Ports) {}

  /** Uses `replacement` until the returned function is called. */
  replace(replacement: Ports): () => void {
    const previous = this.current;
    this.current = replacement;
    return () => {
      this.current = previous;
    };
  }

  pickOne<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined> {
    return this.current.pickOne(items, options);
  }
  pickMany<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T[] | undefined> {
    return this.current.pickMany(items, options);
  }
  confirm(message: string, detail: string, confirmLabel: string): Promise<boolean> {
    return this.current.confirm(message, detail, confirmLabel);
  }
  inputSecret(title: string, prompt: string): Promise<string | undefined> {
    return this.current.inputSecret(title, prompt);
  }
  inputText(title: string, prompt: string, validate: (value: string) => string | undefined): Promise<string | undefined> {
    return this.current.inputText(title, prompt, validate);
  }
  stepPick<T>(items: readonly PickItem<T>[], options: StepPickOptions<T>): Promise<StepAnswer<T>> {
    return this.current.stepPick(items, options);
  }
  stepPickMany<T>(items: readonly PickItem<T>[], options: StepPickManyOptions<T>): Promise<StepAnswer<T[]>> {
    return this.current.stepPickMany(items, options);
  }
  stepChoose(message: string, detail: string, buttons: readonly string[], back: boolean): Promise<StepAnswer<string>> {
    return this.current.stepChoose(message, detail, buttons, back);
  }
  stepText(options: StepTextOptions): Promise<StepAnswer<string>> {
    return this.current.stepText(options);
  }
  info(message: string): Promise<void> {
    return this.current.info(message);
  }
  inform(message: string, actions: readonly string[]): Promise<string | undefined> {
    return this.current.inform(message, actions);
  }
  error(message: string, actions: readonly string[]): Promise<string | undefined> {
    return this.current.error(message, actions);
  }
  warning(message: string, actions: readonly string[]): Promise<string | undefined> {
    return this.current.warning(message, actions);
  }
  withProgress<T>(title: string, task: (progress: ProgressReporter) => Promise<T>, cancellable?: boolean): Promise<T> {
    return this.current.withProgress(title, task, cancellable);
  }
  showReport(title: string, text: string): Promise<void> {
    return this.current.showReport(title, text);
  }
  showDeviceCode(message: string, userCode: string, verificationUri: string): void {
    this.current.showDeviceCode(message, userCode, verificationUri);
  }
  pickPemFiles(title: string): Promise<string | undefined> {
    return this.current.pickPemFiles(title);
  }
  pickTextFile(title: string, filters: Readonly<Record<string, readonly string[]>>, maxBytes: number): Promise<PickedFile | undefined> {
    return this.current.pickTextFile(title, filters, maxBytes);
  }
  pickSaveLocation(title: string, defaultName: string, filters?: SaveFilters): Promise<string | undefined> {
    return this.current.pickSaveLocation(title, defaultName, filters);
  }
  copyText(text: string): Promise<void> {
    return this.current.copyText(text);
  }
  writeTextFile(path: string, text: string): Promise<void> {
    return this.current.writeTextFile(path, text);
  }
  writeBytes(path: string, bytes: Uint8Array): Promise<void> {
    return this.current.writeBytes(path, bytes);
  }
}
