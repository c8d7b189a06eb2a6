import type { Locator, Page } from 'playwright-core';

/** Selectors and timing of VS Code 1.139's workbench, in one place. */
export class WorkbenchDriver {
  constructor(readonly page: Page) {}

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
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
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.quickInputRow(title).waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    // The same quick input is reused by the command's own prompt: wait until the palette's `>` is gone.
    await this.page.waitForFunction(
      `(() => { const field = document.querySelector('.quick-input-widget input'); return !field || !field.checkVisibility() || !field.value.startsWith('>'); })()`,
      undefined,
      { timeout: 10_000 },
    );
  }

  /** Right-clicks a tree row (one containing `row`, or the given row) and chooses a context-menu entry. */
  async contextMenu(row: string | Locator, entry: string): Promise<void> {
    await (typeof row === 'string' ? this.treeRow(row) : row).click({ button: 'right' });
    const item = this.page.locator('.monaco-menu .action-item').filter({ hasText: entry }).first();
    await item.waitFor({ state: 'visible' });
    // A context-menu item ignores the mouse for a moment after the menu opens.
    await this.page.waitForTimeout(300);
    await item.click();
  }

  /** Waits for a quick pick titled `title` to be open. */
  async waitForQuickPick(title: string): Promise<void> {
    await this.quickInput.locator('.quick-input-title').filter({ hasText: title }).waitFor({ state: 'visible' });
  }

  /** Ticks the checkbox of a multi-select quick pick row, and checks that it is ticked. */
  async toggle(label: string): Promise<void> {
    const row = this.quickInputRow(label);
    await row.locator('.monaco-checkbox, input[type=checkbox]').first().click();
    await this.page.waitForFunction(
      (element) => element?.getAttribute('aria-checked') === 'true' || element?.querySelector('.monaco-checkbox.checked, input:checked') !== null,
      await row.elementHandle(),
      { timeout: 5_000 },
    );
  }

  /** Presses the OK button of a multi-select quick pick (Enter would toggle the focused row instead). */
  async acceptQuickPick(): Promise<void> {
    await this.quickInput.locator('.monaco-button').filter({ hasText: /^OK$/ }).first().click();
  }

  async dialogButton(label: string): Promise<void> {
    await this.dialog.waitFor({ state: 'visible' });
    await this.dialog.locator('.monaco-button').filter({ hasText: label }).first().click();
    await this.dialog.waitFor({ state: 'hidden' });
  }
}
