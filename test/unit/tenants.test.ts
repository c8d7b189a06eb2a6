import * as assert from 'node:assert/strict';
import { switchAccount } from '../../src/commands/tenants/account';
import { addTenant, pickTenant, removeTenant } from '../../src/commands/tenants/addRemoveTenants';
import { rawFromEntry, TenantEntry, tenantDefinitions, tenantKey, withoutTenant } from '../../src/config/tenants';
import { missingSignInSetting, resolveSettings } from '../../src/config/settings';
import { summarizeSignIns } from '../../src/tree/signInSummary';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { accountContext, actionContext, fakeAccount } from '../support/fakeAccount';

const APP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const OTHER_APP = '12345678-1234-1234-1234-123456789abc';
const PRIMARY = { cloud: 'global', authMode: 'vscode', clientId: APP, tenantId: 'contoso.onmicrosoft.com', requestTimeoutSeconds: 30 };
const FABRIKAM: TenantEntry = {
  label: 'Fabrikam',
  cloud: 'usGov',
  authMode: 'deviceCode',
  clientId: OTHER_APP,
  tenantId: 'fabrikam.onmicrosoft.us',
};

describe('several tenants', () => {
  describe('tenant definitions from settings', () => {
    it('one tenant from the flat settings, labelled with its tenant id', () => {
      const { definitions } = tenantDefinitions(PRIMARY, undefined, '', 'Your organization');
      assert.equal(definitions.length, 1);
      assert.equal(definitions[0].label, 'contoso.onmicrosoft.com');
      assert.equal(definitions[0].primary, true);
      assert.equal(tenantDefinitions({}, [], undefined, 'Your organization').definitions[0].label, 'Your organization');
      const hand = tenantDefinitions(
        PRIMARY,
        [{ label: 'Fabrikam\n[x](command:y)\u202e', tenantId: 'f.example.com', clientId: 'c' }],
        'Main\u{E0041}\r\nforged',
        'x',
      );
      assert.deepEqual(
        hand.definitions.map((definition) => definition.label),
        ['Main forged', 'Fabrikam [x] (command:y)'],
        'a label typed by hand into settings is cleaned where it enters, as one from a file would be refused',
      );
    });

    it('intuneVpp.tenantLabel names the tenant of the flat settings', () => {
      const { definitions } = tenantDefinitions(PRIMARY, [FABRIKAM], ' Contoso ', 'x');
      assert.deepEqual(
        definitions.map((definition) => definition.label),
        ['Contoso', 'Fabrikam'],
      );
      assert.equal(definitions[0].key, tenantDefinitions(PRIMARY, [], '', 'x').definitions[0].key, 'the name is not part of the key');
    });

    it('the flat settings first, then each additional tenant with its own cloud, mode, app and tenant', () => {
      const { definitions, duplicates } = tenantDefinitions(PRIMARY, [FABRIKAM, 'junk', null, [1]], undefined, 'x');
      assert.deepEqual(duplicates, []);
      assert.deepEqual(
        definitions.map((definition) => [definition.label, definition.primary]),
        [
          ['contoso.onmicrosoft.com', true],
          ['Fabrikam', false],
        ],
      );
      const fabrikam = resolveSettings(definitions[1].raw);
      assert.equal(fabrikam.cloud, 'usGov');
      assert.equal(fabrikam.endpoints.graphEndpoint, 'https://graph.microsoft.us');
      assert.equal(fabrikam.endpoints.loginEndpoint, 'https://login.microsoftonline.us');
      assert.equal(fabrikam.authMode, 'deviceCode');
      assert.equal(fabrikam.clientId, OTHER_APP);
      assert.equal(fabrikam.tenantId, 'fabrikam.onmicrosoft.us');
      assert.equal(fabrikam.requestTimeoutMs, 30_000, 'the request timeout is shared');
    });

    it('a problem in an additional tenant names that entry and field, not the flat settings', () => {
      const [, lab] = tenantDefinitions(
        PRIMARY,
        [
          {
            label: 'Lab',
            cloud: 'custom',
            graphEndpoint: 'http://graph.lab.example',
            loginEndpoint: 'https://login.lab.example',
            clientId: APP,
            tenantId: 't',
          },
        ],
        undefined,
        'x',
      ).definitions;
      assert.throws(
        () => resolveSettings(lab.raw, lab.settingNames),
        /^.*The setting intuneVpp\.additionalTenants \("Lab"\)\.graphEndpoint must be an https address/,
      );
      const [, odd] = tenantDefinitions(PRIMARY, [{ label: 'Odd', cloud: 'mars', clientId: APP }], undefined, 'x').definitions;
      assert.throws(
        () => resolveSettings(odd.raw, odd.settingNames),
        /intuneVpp\.additionalTenants \("Odd"\)\.cloud has an unknown value: mars/,
      );
      const [, noApp] = tenantDefinitions(
        PRIMARY,
        [{ label: 'No app', authMode: 'clientCredentials', tenantId: 'organizations' }],
        undefined,
        'x',
      ).definitions;
      assert.equal(
        missingSignInSetting(resolveSettings(noApp.raw, noApp.settingNames), noApp.settingNames),
        'intuneVpp.additionalTenants ("No app").clientId',
      );
      assert.equal(
        missingSignInSetting(resolveSettings({ ...noApp.raw, clientId: APP }), noApp.settingNames),
        'intuneVpp.additionalTenants ("No app").tenantId',
      );
    });

    it('an unconfigured primary tenant is left out when additional tenants exist', () => {
      const { definitions } = tenantDefinitions({ cloud: 'global' }, [FABRIKAM], undefined, 'x');
      assert.deepEqual(
        definitions.map((definition) => definition.label),
        ['Fabrikam'],
      );
    });

    it('a repeated tenant is shown once and reported; the key ignores case, spacing and trailing slashes', () => {
      const again = { ...FABRIKAM, label: 'Fabrikam again', tenantId: ' FABRIKAM.onmicrosoft.us ' };
      const { definitions, duplicates } = tenantDefinitions(PRIMARY, [FABRIKAM, again], undefined, 'x');
      assert.equal(definitions.length, 2);
      assert.deepEqual(duplicates, ['Fabrikam again']);
      const custom = {
        cloud: 'custom',
        customGraphEndpoint: 'https://graph.example/',
        customLoginEndpoint: 'https://login.example',
        clientId: APP,
        tenantId: 't',
      };
      assert.equal(tenantKey(custom), tenantKey({ ...custom, customGraphEndpoint: 'https://GRAPH.example' }));
      assert.notEqual(tenantKey(custom), tenantKey({ ...custom, authMode: 'deviceCode' }));
      assert.notEqual(tenantKey(custom), tenantKey({ ...custom, tenantId: 'u' }));
    });

    it('removing a tenant keeps every other entry as written', () => {
      const third: TenantEntry = { ...FABRIKAM, label: 'Tailspin', tenantId: 'tailspin.onmicrosoft.us' };
      const key = tenantKey(rawFromEntry(FABRIKAM, 30));
      assert.deepEqual(withoutTenant([FABRIKAM, third], key, 30), [third]);
      assert.deepEqual(withoutTenant([FABRIKAM, third], 'no-such-key', 30), [FABRIKAM, third]);
    });
  });

  describe('Add Tenant…', () => {
    async function add(answers: Answer[], keys: string[] = []) {
      const ui = new ScriptedUserInput(answers);
      const added: TenantEntry[] = [];
      await addTenant(actionContext(ui), { keys: () => keys, add: async (entry) => void added.push(entry) });
      assert.equal(ui.remaining(), 0, 'every scripted answer was asked for');
      return { ui, added };
    }

    it('asks name, cloud, mode, app and tenant, and adds exactly that entry', async () => {
      const { ui, added } = await add([
        { text: '  Fabrikam  ' },
        { pick: 'US Government (GCC High)' },
        { pick: 'Device code' },
        { text: OTHER_APP },
        { text: 'fabrikam.onmicrosoft.us' },
      ]);
      assert.deepEqual(added, [FABRIKAM]);
      assert.deepEqual(ui.of('invalid'), []);
      assert.equal(ui.of('info')[0].message, 'Added the tenant "Fabrikam". Sign in from its item in the view.');
    });

    it('refuses what cannot work with a reason, keeps asking, and asks for both endpoints of a custom cloud', async () => {
      const { ui, added } = await add([
        { text: '   ' },
        { text: 'Lab' },
        { pick: 'Custom endpoints' },
        { text: 'http://graph.lab.example' },
        { text: 'https://graph.lab.example' },
        { text: 'https://login.lab.example/tenant' },
        { text: 'https://login.lab.example' },
        { pick: 'App-only (client credentials)' },
        { text: 'not-a-guid' },
        { text: APP },
        { text: 'organizations' },
        { text: 'lab' },
        { text: '11111111-2222-3333-4444-555555555555' },
      ]);
      assert.deepEqual(added, [
        {
          label: 'Lab',
          cloud: 'custom',
          graphEndpoint: 'https://graph.lab.example',
          loginEndpoint: 'https://login.lab.example',
          authMode: 'clientCredentials',
          clientId: APP,
          tenantId: '11111111-2222-3333-4444-555555555555',
        },
      ]);
      const refusals = ui.of('invalid').map((shown) => shown.message ?? '');
      assert.equal(refusals.length, 6);
      assert.match(refusals[0], /name of 1 to 80 characters/);
      assert.match(refusals[1], /must be an https address/);
      assert.match(refusals[2], /just a scheme and host/);
      assert.match(refusals[3], /client\) ID: a GUID/);
      assert.match(refusals[4], /tenant ID \(a GUID\) or a verified domain/);
      assert.match(refusals[5], /tenant ID \(a GUID\) or a verified domain/);
      assert.match(ui.of('info')[0].message ?? '', /Set its client secret or certificate/);
    });

    const steps: [string, Answer[]][] = [
      ['the name', []],
      ['the cloud', [{ text: 'Fabrikam' }]],
      ['the mode', [{ text: 'Fabrikam' }, { pick: 'Global' }]],
      ['the app', [{ text: 'Fabrikam' }, { pick: 'Global' }, { pick: 'Device code' }]],
      ['the tenant', [{ text: 'Fabrikam' }, { pick: 'Global' }, { pick: 'Device code' }, { text: OTHER_APP }]],
      ['a custom endpoint', [{ text: 'Fabrikam' }, { pick: 'Custom endpoints' }, { text: 'https://graph.lab.example' }]],
    ];
    for (const [step, before] of steps) {
      it(`Escape at ${step} adds nothing and says nothing`, async () => {
        const { ui, added } = await add([...before, 'escape']);
        assert.deepEqual(added, []);
        assert.deepEqual(ui.of('info'), []);
      });
    }

    it('counts the steps that apply: five for a well-known cloud, seven once a custom one is chosen', async () => {
      const wellKnown = await add([
        { text: 'Fabrikam' },
        { pick: 'Global' },
        { pick: 'Device code' },
        { text: OTHER_APP },
        { text: 'fabrikam.example' },
      ]);
      assert.deepEqual(
        wellKnown.ui.shown.filter((shown) => shown.step).map((shown) => shown.step),
        ['1/5', '2/5', '3/5', '4/5', '5/5'],
      );
      assert.ok(wellKnown.ui.shown.every((shown) => !shown.step || shown.title === 'Intune VPP: Add Tenant'));
      const custom = await add([
        { text: 'Lab' },
        { pick: 'Custom endpoints' },
        { text: 'https://graph.lab.example' },
        { text: 'https://login.lab.example' },
        { pick: 'Device code' },
        { text: OTHER_APP },
        { text: 'lab.example' },
      ]);
      assert.deepEqual(
        custom.ui.shown.filter((shown) => shown.step).map((shown) => shown.step),
        ['1/5', '2/5', '3/7', '4/7', '5/7', '6/7', '7/7'],
      );
    });

    it('Back returns to the step before with its answer kept; a cloud changed to a well-known one drops the endpoints', async () => {
      const { ui, added } = await add([
        { text: 'Lab' },
        { pick: 'Custom endpoints' },
        { text: 'https://graph.lab.example' },
        'back',
        'back',
        { pick: 'US Government (GCC High)' },
        { pick: 'Device code' },
        'back',
        { pick: 'App-only (client credentials)' },
        { text: APP },
        { text: 'lab.onmicrosoft.us' },
      ]);
      assert.deepEqual(added, [
        { label: 'Lab', cloud: 'usGov', authMode: 'clientCredentials', clientId: APP, tenantId: 'lab.onmicrosoft.us' },
      ]);
      const steps = ui.shown.filter((shown) => shown.step);
      // Each entry: where the step stood, and the earlier answer it started from.
      assert.deepEqual(
        steps.map((shown) => `${shown.step} ${shown.value ?? ''}`.trim()),
        [
          '1/5',
          '2/5',
          '3/7',
          '4/7',
          '3/7 https://graph.lab.example',
          '2/7 Custom endpoints',
          '3/5',
          '4/5',
          '3/5 Device code',
          '4/5',
          '5/5',
        ],
      );
    });

    it('step 1 has no Back button', async () => {
      await assert.rejects(add(['back']), /step 1 has no Back button/);
    });

    it('a tenant the view already shows is not added twice', async () => {
      const { ui, added } = await add(
        [
          { text: 'Fabrikam 2' },
          { pick: 'US Government (GCC High)' },
          { pick: 'Device code' },
          { text: OTHER_APP },
          { text: 'FABRIKAM.onmicrosoft.us' },
        ],
        [tenantKey(rawFromEntry(FABRIKAM, undefined))],
      );
      assert.deepEqual(added, []);
      assert.match(ui.of('info')[0].message ?? '', /already shows this tenant/);
    });
  });

  describe('Remove Tenant…', () => {
    it('removes only after the modal confirmation, which names the tenant and what is deleted', async () => {
      let removed = 0;
      const declined = new ScriptedUserInput([{ confirm: false }]);
      await removeTenant(actionContext(declined), { label: 'Fabrikam' }, undefined, async () => void removed++);
      assert.equal(removed, 0);
      assert.deepEqual(declined.of('info'), []);
      const confirmed = new ScriptedUserInput([{ confirm: true }]);
      await removeTenant(actionContext(confirmed), { label: 'Fabrikam' }, undefined, async () => void removed++);
      assert.equal(removed, 1);
      const [shown] = confirmed.of('confirm');
      assert.equal(shown.message, 'Remove the tenant "Fabrikam" from the view?');
      assert.match(
        shown.detail ?? '',
        /client secret, certificate and sign-in this machine keeps for it are deleted\. Nothing changes in the tenant itself/,
      );
      assert.equal(confirmed.of('info')[0].message, 'Removed the tenant "Fabrikam".');
    });

    it('a shared app credential stays while other tenants use it; with the last one, it goes only if the admin says so', async () => {
      const removals: boolean[] = [];
      const remove = async (deleteShared: boolean) => void removals.push(deleteShared);
      const others = new ScriptedUserInput([{ confirm: true }]);
      await removeTenant(actionContext(others), { label: 'Customer A' }, { others: 2 }, remove);
      assert.match(others.of('confirm')[0].detail ?? '', /The app credential it shares stays: 2 other tenants use it/);
      const keep = new ScriptedUserInput([{ confirm: true }, { confirm: false }]);
      await removeTenant(actionContext(keep), { label: 'Customer B' }, { others: 0 }, remove);
      assert.equal(keep.of('confirm')[1].message, 'Also delete the shared credential of the app?');
      const drop = new ScriptedUserInput([{ confirm: true }, { confirm: true }]);
      await removeTenant(actionContext(drop), { label: 'Customer C' }, { others: 0 }, remove);
      assert.deepEqual(removals, [false, false, true]);
    });
  });

  it("the palette's tenant pick shows who is signed in to each", async () => {
    const ui = new ScriptedUserInput([{ pick: 'Fabrikam' }]);
    const tenants = [
      { label: 'Contoso', who: 'admin@contoso.example' },
      { label: 'Fabrikam', who: undefined },
    ];
    const picked = await pickTenant(ui, tenants, async (tenant) => tenant.who, 'Revoke Licenses: Choose the tenant');
    assert.equal(picked, tenants[1]);
    const [shown] = ui.of('pickOne');
    assert.equal(shown.title, 'Revoke Licenses: Choose the tenant');
    assert.deepEqual(
      shown.items?.map((item) => [item.label, item.description]),
      [
        ['Contoso', 'admin@contoso.example'],
        ['Fabrikam', 'not signed in'],
      ],
    );
  });

  it('the status bar summary names the account and tenant, or counts the tenants signed in', () => {
    assert.deepEqual(summarizeSignIns([{ tenant: 'Contoso', account: 'admin@contoso.example', configured: true }]), {
      text: '$(account) admin@contoso.example · Contoso',
      tooltip: 'Intune VPP: signed in to Contoso as admin@contoso.example. Click to switch account.',
      command: 'intuneVpp.switchAccount',
    });
    assert.deepEqual(summarizeSignIns([{ tenant: 'Contoso', configured: true }]), {
      text: '$(account) Intune VPP: not signed in',
      tooltip: 'Intune VPP: not signed in to Contoso. Click to sign in.',
      command: 'intuneVpp.signIn',
    });
    assert.deepEqual(
      summarizeSignIns([
        { tenant: 'Contoso', account: 'admin@contoso.example', configured: true },
        { tenant: 'Fabrikam', configured: false },
      ]),
      {
        text: '$(organization) Intune VPP: 1 of 2 tenants signed in',
        tooltip: 'Contoso: admin@contoso.example\nFabrikam: not signed in',
        command: 'intuneVpp.tokens.focus',
      },
    );
    assert.deepEqual(summarizeSignIns([{ tenant: 'Your organization', configured: false }]), {
      text: '$(gear) Intune VPP: not configured',
      tooltip: 'Intune VPP: set the app registration in the settings. Click to open them.',
      command: 'intuneVpp.openSettings',
    });
  });

  describe('Switch Account', () => {
    function account(authMode: 'vscode' | 'deviceCode' | 'clientCredentials') {
      const calls: string[] = [];
      const actions = fakeAccount({
        switchAccount: async () => {
          calls.push('switch');
          return 'helpdesk@fabrikam.example';
        },
        signOut: async () => void calls.push('signOut'),
        clientId: () => APP,
        authMode: () => authMode,
      });
      return { calls, actions };
    }

    it('signs in as another account and says who, naming the tenant when there are several', async () => {
      for (const [tenantLabel, expected] of [
        ['Fabrikam', 'Now signed in to the tenant "Fabrikam" as helpdesk@fabrikam.example.'],
        [undefined, 'Now signed in to Intune as helpdesk@fabrikam.example.'],
      ] as const) {
        const ui = new ScriptedUserInput();
        const { calls, actions } = account('deviceCode');
        await switchAccount(accountContext(ui, actions, tenantLabel));
        assert.deepEqual(calls, ['switch']);
        assert.equal(ui.of('info')[0].message, expected);
      }
    });

    it('app-only sign-in has no account: it explains how to change the credential and changes nothing', async () => {
      const ui = new ScriptedUserInput();
      const { calls, actions } = account('clientCredentials');
      await switchAccount(accountContext(ui, actions));
      assert.deepEqual(calls, []);
      assert.match(ui.of('info')[0].message ?? '', new RegExp(`uses the app ${APP} and no user account.*Set Client Secret…`));
    });
  });
});
