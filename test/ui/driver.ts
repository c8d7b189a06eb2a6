import type { Locator, Page } from 'playwright-core';

/** How long a step may take to show what the next keystroke needs; CI machines are shared and slow at times. */
const STEP_TIMEOUT_MS = 30_000;

/**
 * Selectors of VS Code 1.139's workbench, in one place. Every helper waits for the state its next keystroke or
 * click needs (the step's own prompt, the menu entry focused, the dialog gone), never for a fixed time.
 */
export class WorkbenchDriver {
  constructor(readonly page: Page) {}

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * The quick input while it shows the step `text` names, as its title, prompt or placeholder. The widget is reused
   * from one step to the next, so "an input is visible" says nothing about which step it belongs to.
   */
  quickInputStep(text: string): Locator {
    return this.quickInput.filter({
      has: this.page
        .locator('.quick-input-title, .quick-input-message')
        .filter({ hasText: text })
        .or(this.page.getByPlaceholder(text, { exact: true })),
    });
  }

  quickInputRow(label: string): Locator {
    return this.quickInput.locator('.monaco-list-row').filter({ hasText: label }).first();
  }

  treeRow(label: string): Locator {
    return this.page.locator('.part.sidebar .monaco-list-row').filter({ hasText: label }).first();
  }

  /** The tree row whose label is exactly `label` (treeRow matches any row containing the text). */
  treeRowLabelled(label: string): Locator {
    return this.page
      .locator('.part.sidebar .monaco-list-row')
      .filter({ has: this.page.locator('.label-name').getByText(label, { exact: true }) })
      .first();
  }

  /** The status bar entry showing `text`. */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar .statusbar-item').filter({ hasText: text }).first();
  }

  get dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  }

  /** Waits until the workbench shows a view container's entry: extensions are registered, the palette knows their commands. */
  /**
   * An action of a view's title bar in the Intune VPP container. The container holds two views, so each has its own
   * header, whose actions show while the pointer is over it.
   */
  async viewTitleAction(view: string, label: string): Promise<Locator> {
    const header = this.page.locator('.part.sidebar .pane-header').filter({ hasText: view }).first();
    await header.hover();
    const action = header.locator(`.actions [aria-label^="${label}"]`).first();
    await action.waitFor({ state: 'visible' });
    return action;
  }

  /**
   * A notification in the notification center, opened first: it lists every notification, also those whose toast
   * has hidden (a start-up notification may come while the test does something else), and the ones that come while
   * it is open.
   */
  async centerNotification(text: string | RegExp): Promise<Locator> {
    const center = this.page.locator('.notifications-center');
    if (!(await center.isVisible())) {
      await this.runCommand('Notifications: Show Notifications');
      await center.waitFor({ state: 'visible' });
    }
    return center.locator('.notification-list-item').filter({ hasText: text }).first();
  }

  async waitForContainerEntry(title: string): Promise<void> {
    await this.page.locator(`.activitybar [aria-label^="${title}"]`).first().waitFor({ state: 'visible', timeout: 60_000 });
  }

  /** Clicks the container's activity-bar entry unless the side bar already shows it (a second click would close it). */
  async openContainer(title: string): Promise<void> {
    const sideBarTitle = this.page.locator('.part.sidebar .title-label');
    if ((await sideBarTitle.isVisible()) && (await sideBarTitle.innerText()).toUpperCase().startsWith(title.toUpperCase())) {
      return;
    }
    const entry = this.page.locator(`.activitybar [aria-label^="${title}"]`).first();
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    await sideBarTitle.filter({ hasText: new RegExp(title, 'i') }).waitFor({ state: 'visible' });
  }

  /** F1, the command's title, Enter; returns once the palette has handed the quick input to the command. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInput.locator('input');
    await this.page.waitForFunction(
      `(() => { const field = document.querySelector('.quick-input-widget input'); return !!field && field.checkVisibility() && field.value.startsWith('>'); })()`,
      undefined,
      { timeout: STEP_TIMEOUT_MS },
    );
    await input.fill(`>${title}`);
    await this.quickInputRow(title).waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    // The same quick input is reused by the command's own prompt: wait until the palette's `>` is gone.
    await this.page.waitForFunction(
      `(() => { const field = document.querySelector('.quick-input-widget input'); return !field || !field.checkVisibility() || !field.value.startsWith('>'); })()`,
      undefined,
      { timeout: STEP_TIMEOUT_MS },
    );
  }

  /**
   * Types `text` into the input box of the step whose prompt or title is `step`, presses Enter, and returns once
   * that step is gone (the next one shows, the box closed, or it refused the text).
   */
  async answer(step: string, text: string): Promise<void> {
    const box = this.quickInputStep(step);
    await box.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await box.locator('input').fill(text);
    await this.page.keyboard.press('Enter');
    await box.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  }

  /** Presses the Back button of the step whose prompt, title or placeholder is `step`; returns once that step is gone. */
  async back(step: string): Promise<void> {
    const box = this.quickInputStep(step);
    await box.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await box.locator('.codicon-quick-input-back').first().click();
    await box.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  }

  /** Clicks the row `label` in the quick pick of the step whose title or placeholder is `step`; returns once the step is gone. */
  async choose(step: string, label: string): Promise<void> {
    const pick = this.quickInputStep(step);
    await pick.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await pick.locator('.monaco-list-row').filter({ hasText: label }).first().click();
    await pick.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  }

  /**
   * Right-clicks a tree row (one containing `row`, or the given row) and chooses a context-menu entry with the
   * keyboard: a menu item ignores the mouse for a moment after the menu opens, and nothing shows when that ends.
   */
  async contextMenu(row: string | Locator, entry: string): Promise<void> {
    await (typeof row === 'string' ? this.treeRow(row) : row).click({ button: 'right' });
    await this.chooseMenuEntry(entry);
  }

  /** In the open context menu, moves the focus down to `entry` and presses Enter; returns once the menu closed. */
  async chooseMenuEntry(entry: string): Promise<void> {
    const menu = this.page.locator('.monaco-menu').first();
    const items = menu.locator('.action-item:not(.disabled)');
    await items.filter({ hasText: entry }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const count = await items.count();
    const focused = menu.locator('.action-item.focused');
    for (let moves = 0; moves <= count; moves++) {
      const label = (await focused.count()) === 1 ? (await focused.innerText()).trim() : '';
      if (label.includes(entry)) {
        await this.page.keyboard.press('Enter');
        await menu.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
        return;
      }
      await this.page.keyboard.press('ArrowDown');
      await (label ? focused.filter({ hasNotText: label }) : focused).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    }
    throw new Error(`The context menu has no entry "${entry}" (it has: ${(await items.allInnerTexts()).join(', ')})`);
  }

  /** Waits for a quick pick titled `title` to be open. */
  async waitForQuickPick(title: string): Promise<void> {
    await this.quickInput.locator('.quick-input-title').filter({ hasText: title }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  }

  /** Ticks the checkbox of a multi-select quick pick row, and checks that it is ticked. */
  async toggle(label: string): Promise<void> {
    const row = this.quickInputRow(label);
    await row.locator('.monaco-checkbox, input[type=checkbox]').first().click();
    await this.waitForTicked(label);
  }

  /** Waits until the multi-select quick pick row `label` is ticked. */
  async waitForTicked(label: string): Promise<void> {
    await this.page.waitForFunction(
      (element: { getAttribute(name: string): string | null; querySelector(selector: string): unknown } | null) =>
        element?.getAttribute('aria-checked') === 'true' || element?.querySelector('.monaco-checkbox.checked, input:checked') !== null,
      await this.quickInputRow(label).elementHandle(),
      { timeout: STEP_TIMEOUT_MS },
    );
  }

  /** Presses the OK button of a multi-select quick pick (Enter would toggle the focused row instead). */
  async acceptQuickPick(): Promise<void> {
    await this.quickInput.locator('.monaco-button').filter({ hasText: /^OK$/ }).first().click();
  }

  async dialogButton(label: string): Promise<void> {
    await this.dialog.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await this.dialog.locator('.monaco-button').filter({ hasText: label }).first().click();
    await this.dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  }

  /**
   * Puts the workbench back to rest between tests, so one failed test cannot leave a prompt, dialog, toast or
   * editor in the way of the next: closes quick inputs and dialogs, clears notifications, closes editors.
   */
  async reset(): Promise<void> {
    const somethingOpen = async () => (await this.dialog.isVisible()) || (await this.quickInput.isVisible());
    // Each Escape closes the innermost of a dialog or a quick input; what closes it is the workbench, so wait for it.
    for (let attempt = 0; attempt < 5 && (await somethingOpen()); attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page
        .waitForFunction(
          `(() => { const open = (selector) => [...document.querySelectorAll(selector)].some((element) => element.checkVisibility()); return !open('.monaco-dialog-box') && !open('.quick-input-widget'); })()`,
          undefined,
          { timeout: 5_000 },
        )
        .catch(() => undefined);
    }
    if (await somethingOpen()) {
      throw new Error('A dialog or quick input stayed open after five presses of Escape');
    }
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    const tabs = this.page.locator('.part.editor .tabs-container .tab');
    for (let open = await tabs.count(); open > 0; open = await tabs.count()) {
      // Reports open as untitled documents: Revert and Close closes one without asking to save it.
      await this.runCommand('View: Revert and Close Editor');
      await this.page.waitForFunction(`document.querySelectorAll('.part.editor .tabs-container .tab').length < ${open}`, undefined, {
        timeout: STEP_TIMEOUT_MS,
      });
    }
  }
}
