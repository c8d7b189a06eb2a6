import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVSIX } from '@vscode/vsce';
import { SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { PROJECT_ROOT } from '../paths';
import { startUiSession, UiSession } from './session';

describe('UI: the extension in Russian', function () {
  this.timeout(120_000);
  let session: UiSession;
  let packDir: string;

  before(async () => {
    // VS Code shows a display language only with a language pack; this one adds no translations of its own.
    packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intune-vpp-ru-pack-'));
    const pack = path.join(packDir, 'ru.vsix');
    await createVSIX({
      cwd: path.join(PROJECT_ROOT, 'test', 'ui', 'fixtures', 'ru-language-pack'),
      packagePath: pack,
      dependencies: false,
      allowMissingRepository: true,
    });
    session = await startUiSession({ locale: 'ru', extraVsix: [pack] });
  });

  after(async () => {
    await session?.stop();
    fs.rmSync(packDir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session.saveArtifacts(`ui-ru-${this.currentTest.title}`);
    }
  });

  it('shows the Russian command title and option labels', async () => {
    const { driver, tenant } = session;
    const page = session.workbench.page;
    await driver.runCommand('Intune VPP: Задать секрет клиента…');
    await driver.answer('Секрет клиента приложения', SIM_CLIENT_SECRET);
    await driver.notification(/Секрет клиента приложения .* сохранен/).waitFor({ state: 'visible' });

    await driver.runCommand('Intune VPP: Отозвать лицензии…');
    await driver.waitForQuickPick('Отозвать лицензии: выберите токен VPP');
    await driver.quickInput.locator('input').fill('Contoso HQ');
    await driver.quickInputRow('Contoso HQ').waitFor({ state: 'visible' });
    assert.match(await driver.quickInputRow('Contoso HQ').innerText(), /действителен · истекает через \d+ дн\./);
    await page.keyboard.press('Enter');
    await driver.waitForQuickPick('Отзыв лицензий "Contoso HQ"');
    const rows = await driver.quickInput.locator('.monaco-list-row').allInnerTexts();
    assert.deepEqual(
      rows.map((row) => row.split('\n')[0]),
      ['Уведомить управляемые устройства', 'Отозвать неотслеживаемые лицензии'],
    );
    assert.match(rows[0], /Сообщить устройствам, использующим эти лицензии/);
    await page.keyboard.press('Escape');
    await session.afterNextListing('Intune VPP: Отозвать лицензии…', 'Отозвать лицензии: выберите токен VPP');
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });
});
