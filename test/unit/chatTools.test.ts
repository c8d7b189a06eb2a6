import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ChatTenant, ChatTool, failureText, ToolInputError } from '../../src/chat/chatTool';
import { createChatTools } from '../../src/chat/chatTools';
import { BoundedText, MAX_RESULT_CHARS, quoted } from '../../src/chat/toolText';
import { revokeToken } from '../../src/commands/licenses/revokeLicenses';
import { VppError } from '../../src/errors';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { TOOLS } from '../../src/ids';
import { PROJECT_ROOT } from '../paths';
import { generatedTokens, SECRET_TOKEN_PREFIX, seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { fakeAccount } from '../support/fakeAccount';
import { RecordingStore } from '../support/recordingStore';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { ConcurrencyLimit } from '../../src/tenants/concurrencyLimit';
import { signedInService } from '../support/fixtures';
import { commandHarness, useSimulatedTenant } from '../support/harness';

interface ManifestTool {
  name: string;
  toolReferenceName?: string;
  canBeReferencedInPrompt?: boolean;
  modelDescription?: string;
  userDescription?: string;
  when?: string;
  inputSchema?: { properties?: Record<string, unknown>; required?: string[] };
}

const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  contributes: { languageModelTools: ManifestTool[] };
};

describe('chat tools (simulated tenant)', () => {
  let tenant: SimulatedTenant;
  let service: VppTokenService;
  let answers: Answer[];
  let ui: ScriptedUserInput;
  /** What happens while the revoke's modal is open (another revoke starting, say). */
  let whileConfirming: (() => void) | undefined;
  const store = new RecordingStore();
  const hq = seedTokens()[0];

  useSimulatedTenant(
    { revokeCompletionMs: 20 },
    (started) => (tenant = started),
    () => {
      tenant.reset();
      answers = [];
      whileConfirming = undefined;
      service = signedInService(tenant);
    },
  );

  function chatTenant(label: string, serviceOf: () => VppTokenService = () => service): ChatTenant {
    return {
      key: label.toLowerCase(),
      label,
      tenantId: `${label.toLowerCase()}.example`,
      service: serviceOf,
      listTokens: (signal) => serviceOf().listTokens(signal),
      revoke: (token, options) => {
        const harness = commandHarness(tenant, answers, {
          service: serviceOf,
          account: fakeAccount(),
          polling: { delaysMs: [30, 60, 120] },
          licensePolling: { delaysMs: [30] },
          store,
        });
        ui = harness.ui;
        ui.onConfirm = whileConfirming;
        return revokeToken(harness.context, token, options);
      },
    };
  }

  function tools(tenants: ChatTenant[] = [chatTenant('Contoso')]): Record<string, ChatTool> {
    // The simulated tenant dates its seed from the clock, so the tools read the same clock.
    const all = createChatTools({ tenants: () => tenants, now: () => Date.now(), limit: (task) => task() });
    return Object.fromEntries(all.map((tool) => [tool.name, tool]));
  }

  const signal = new AbortController().signal;

  it('every tool package.json contributes is created and registered, and every created tool is contributed', () => {
    const contributed = manifest.contributes.languageModelTools.map((tool) => tool.name);
    assert.deepEqual(Object.keys(tools()).sort(), [...contributed].sort());
    assert.deepEqual([...contributed].sort(), Object.values(TOOLS).sort());
  });

  it('each contributed tool has a model description, a reference name, an input schema and the same when clause', () => {
    const names = new Set<string>();
    for (const tool of manifest.contributes.languageModelTools) {
      assert.ok((tool.modelDescription ?? '').length > 150, `${tool.name}: modelDescription`);
      assert.match(tool.userDescription ?? '', /^%tool\.\w+\.userDescription%$/);
      assert.equal(tool.canBeReferencedInPrompt, true);
      assert.match(tool.toolReferenceName ?? '', /^[a-zA-Z]+$/);
      names.add(tool.toolReferenceName ?? '');
      assert.ok(tool.inputSchema?.properties, `${tool.name}: inputSchema`);
      assert.ok((tool.inputSchema.required ?? []).every((name) => name in (tool.inputSchema?.properties ?? {})));
      assert.equal(tool.when, "config.intuneVpp.auth.clientId || config.intuneVpp.additionalTenants != '[]'");
    }
    assert.equal(names.size, 4);
  });

  it('listTokens: one table across tenants, a tenant that cannot be read says why, and the filters apply', async () => {
    const signedOut = chatTenant('Fabrikam', () => {
      throw new VppError('signInRequired', 'sign in');
    });
    const { intuneVpp_listTokens: list } = tools([chatTenant('Contoso'), signedOut]);
    const text = await list.invoke({ expiringWithinDays: 30 }, signal);
    assert.match(text, /Filters: expired or expiring within 30 days\./);
    assert.match(text, /Tenant "Contoso": 2 of 15 tokens match\./);
    assert.match(text, /Tenant "Fabrikam": not read, not signed in: sign in from the VPP Tokens view/);
    assert.match(text, /\| "Contoso" \| "Contoso Labs" \| [^|]+ \| expired \| \d{4}-\d\d-\d\d \(3 days ago\) \| \d{4}-\d\d-\d\d failed \|/);
    const one = await list.invoke({ tenant: 'contoso.example', state: 'invalid' }, signal);
    assert.match(one, /Tenant "Contoso": 1 of 15 tokens match\./);
    assert.doesNotMatch(one, /Fabrikam/);
  });

  it('refuses input it cannot use, naming what is wrong, and reads nothing', async () => {
    const {
      intuneVpp_listTokens: list,
      intuneVpp_revokeLicenses: revoke,
      intuneVpp_findAppLicenses: find,
    } = tools([chatTenant('Contoso'), chatTenant('Fabrikam')]);
    await assert.rejects(list.invoke({ state: 'gone' }, signal), ToolInputError);
    await assert.rejects(list.invoke({ expiringWithinDays: -1 }, signal), /whole number from 0 to 3650/);
    await assert.rejects(
      list.invoke({ tenant: 'Northwind' }, signal),
      /No configured tenant is named "Northwind"\. The tenants are: "Contoso", "Fabrikam"\./,
    );
    await assert.rejects(find.invoke({ app: 'k' }, signal), /at least two characters/);
    await assert.rejects(
      revoke.prepare({ tokenId: hq.id, notifyManagedDevices: true }, signal),
      /Several tenants are configured: give "tenant"/,
    );
    await assert.rejects(revoke.prepare({ tenant: 'Contoso', tokenId: hq.id }, signal), /"notifyManagedDevices" \(required\)/);
    await assert.rejects(tools([]).intuneVpp_listTokens.invoke({}, signal), /No tenant is configured in Intune VPP/);
    assert.equal(tenant.requests.length, 0);
  });

  it('a failure is one clause the tools end themselves: no doubled full stop, no secret-bearing detail', () => {
    assert.equal(
      failureText(new VppError('unauthorized', 'Microsoft Graph no longer accepts your sign-in (401). Sign in again.')),
      'Microsoft Graph no longer accepts your sign-in (401). Sign in again',
    );
    assert.equal(failureText(new Error('Bearer eyJ0eXAi')), 'an unexpected error; see the Intune VPP log');
  });

  it('names from Graph are quoted plain data: no link, no line break, no way out of the quotes', () => {
    assert.equal(quoted('a](command:x)\nb "c" \u202e'), '"a] (command:x) b \\"c\\""');
    assert.equal(quoted('Token | 0 | done | forged'), '"Token \\| 0 \\| done \\| forged"', 'a | cannot add a cell to the row');
    assert.equal(quoted(null), '-');
  });

  it('a result never passes its size limit and says what it left out', () => {
    const out = new BoundedText();
    out.line('header');
    const rows = Array.from({ length: 5000 }, (_, index) => [`"row ${index}"`, 'x'.repeat(100)]);
    const shown = out.table(['name', 'value'], rows, 'Ask for less.');
    const text = out.toString();
    assert.ok(text.length <= MAX_RESULT_CHARS, `${text.length}`);
    assert.ok(shown < 150 && shown > 50, `${shown} rows`);
    assert.ok(text.endsWith(`(Cut: ${5000 - shown} of 5000 rows are not shown. Ask for less.)`));
    const few = new BoundedText();
    assert.equal(few.table(['name'], [['"a"']], 'Ask for less.'), 1);
    assert.doesNotMatch(few.toString(), /Cut/);
  });

  it('listTokens of 3,000 tokens: bounded, the first rows in the tree order, the rest counted', async () => {
    tenant.tokens.clear();
    generatedTokens(3000).forEach((token) => tenant.tokens.set(token.id, token));
    const text = await tools().intuneVpp_listTokens.invoke({}, signal);
    assert.ok(text.length <= MAX_RESULT_CHARS);
    assert.match(text, /Tenant "Contoso": 3000 of 3000 tokens match\./);
    assert.match(text, /\| "Contoso" \| "School 0001" \|/);
    assert.match(text, /\(Cut: \d+ of 3000 rows are not shown\. Ask for one tenant, a state, or fewer days to expiry\.\)/);
  });

  it('tokenDetails: fields, apps, eBooks, recent actions newest first; a secret sent anyway never appears', async () => {
    const result = (startDateTime: string, actionState: string) => ({
      '@odata.type': '#microsoft.graph.vppTokenRevokeLicensesActionResult',
      actionName: 'RevokeLicenses',
      actionState,
      startDateTime,
      lastUpdatedDateTime: startDateTime,
      totalLicensesCount: 13,
      failedLicensesCount: actionState === 'failed' ? 13 : 0,
    });
    const tokenActionResults = [result('2026-10-01T09:00:00Z', 'failed'), result('2026-11-20T09:00:00Z', 'done')];
    // The secret blob, sent although the service never asks for it.
    tenant.addFault({
      route: 'get',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ...hq, token: `${SECRET_TOKEN_PREFIX}x`, tokenActionResults }),
    });
    const text = await tools().intuneVpp_tokenDetails.invoke({ tokenId: hq.id }, signal);
    assert.doesNotMatch(text, new RegExp(SECRET_TOKEN_PREFIX));
    assert.match(text, /Apple ID: "[^"]+"\. Location: "Seattle HQ"\./);
    assert.match(text, /Apps bought with this token: 2; licenses used 13 of 50\./);
    assert.match(text, /eBooks bought with this token: 2; licenses used 15 of 50\./);
    assert.match(
      text,
      /Recent actions, newest first:\n\| action \| started \| last updated \| outcome \|\n\| "RevokeLicenses" \| \d{4}-\d\d-\d\d \|/,
    );
    assert.deepEqual(
      [...new Set(tenant.requests.filter((request) => request.method === 'GET').map((request) => request.route))],
      ['get', 'apps', 'ebooks'],
    );
  });

  it('tokenDetails says which permission the apps need when only the token can be read', async () => {
    tenant.permissions = ['DeviceManagementServiceConfig.ReadWrite.All'];
    const narrow = signedInService(tenant, { delaySeconds: 0, maxRetries: 0, maxWaitSeconds: 60 });
    const text = await tools([chatTenant('Contoso', () => narrow)]).intuneVpp_tokenDetails.invoke({ tokenId: hq.id }, signal);
    assert.match(text, /Token "Contoso HQ"/);
    assert.match(text, /Apps: not read, [^\n]*DeviceManagementApps/);
    assert.match(text, /eBooks: not read, [^\n]*DeviceManagementApps/);
  });

  it('listTokens and findAppLicenses read at most the concurrency bound of tenants at once, and every tenant', async () => {
    let reading = 0;
    let most = 0;
    const read = new Set<string>();
    const counted =
      <T>(label: string, value: T) =>
      async (): Promise<T> => {
        reading++;
        most = Math.max(most, reading);
        read.add(label);
        await new Promise((resolve) => setImmediate(resolve));
        reading--;
        return value;
      };
    const tenants = Array.from({ length: 7 }, (_, index) => {
      const label = `Tenant ${index}`;
      const fake = { listTokens: counted(label, []), listVppApps: counted(label, []) } as unknown as VppTokenService;
      return chatTenant(label, () => fake);
    });
    const limit = new ConcurrencyLimit(() => 2);
    const all = createChatTools({ tenants: () => tenants, now: () => Date.now(), limit: (task) => limit.run(task) });
    const byName = Object.fromEntries(all.map((tool) => [tool.name, tool]));
    await byName.intuneVpp_listTokens.invoke({}, signal);
    assert.equal(most, 2, 'listTokens: two tenants at a time');
    assert.equal(read.size, 7);
    most = 0;
    read.clear();
    await byName.intuneVpp_findAppLicenses.invoke({ app: 'Teams' }, signal);
    assert.equal(most, 2, 'findAppLicenses: two tenants at a time');
    assert.equal(read.size, 7);
  });

  it('findAppLicenses: part of a name or the exact bundle id, with the token of each; no token listing when nothing matched', async () => {
    const { intuneVpp_findAppLicenses: find } = tools();
    const text = await find.invoke({ app: 'TEAMS' }, signal);
    assert.match(text, /Tenant "Contoso": 10 matching apps\./);
    assert.match(text, /\| "Contoso" \| "Microsoft Teams" \| "com\.microsoft\.skype\.teams" \| iOS \| "Contoso HQ" \| [^|]+ \| 5 \| 20 \|/);
    assert.match(await find.invoke({ app: 'com.apple.mobilegarageband' }, signal), /In all: 3 apps, licenses used 42 of 150\./);
    tenant.requests.length = 0;
    assert.match(await find.invoke({ app: 'Final Cut Pro' }, signal), /Tenant "Contoso": 0 matching apps\./);
    assert.deepEqual([...new Set(tenant.requests.map((request) => request.route))], ['apps']);
  });

  it("revokeLicenses: the chat confirmation names the token, options and impact; the flow's modal decides; one POST", async () => {
    const { intuneVpp_revokeLicenses: revoke } = tools();
    const input = { tokenId: hq.id, notifyManagedDevices: true };
    const prepared = await revoke.prepare(input, signal);
    assert.equal(prepared.confirmation?.title, 'Revoke all app licenses of the VPP token "Contoso HQ"?');
    assert.match(
      prepared.confirmation?.message ?? '',
      /Token: Contoso HQ \(id [^)]+\)\nApple ID: .+\nLocation: Seattle HQ\nThe VPP apps of this token: 2, licenses used: 13 of 50\nNotify managed devices: yes\nRevoke untracked licenses: no/,
    );
    assert.equal(tenant.requestsFor('revoke').length, 0, 'preparing sends nothing');

    answers = [{ confirm: false }];
    assert.match(await revoke.invoke(input, signal), /^Not revoked: the admin did not confirm/);
    assert.equal(tenant.requestsFor('revoke').length, 0);

    answers = [{ confirm: true }];
    assert.match(
      await revoke.invoke(input, signal),
      /^Intune accepted the revoke of the licenses of "Contoso HQ"; its action is finished: done/,
    );
    const posts = tenant.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].body, '{"notifyManagedDevices":true,"revokeUntrackedLicenses":false}');
    assert.equal(ui.of('confirm').length, 1);
    ui.assertScriptFollowed();
  });

  it('revokeLicenses with several tenants: the named one, and its confirmation names it', async () => {
    const { intuneVpp_revokeLicenses: revoke } = tools([chatTenant('Contoso'), chatTenant('Fabrikam')]);
    const prepared = await revoke.prepare({ tenant: 'fabrikam', tokenId: hq.id, notifyManagedDevices: false }, signal);
    assert.match(prepared.confirmation?.message ?? '', /^Tenant: Fabrikam\nToken: Contoso HQ /);
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it('revokeLicenses of a token whose revoke runs from the view: nothing is sent, and the model is told so', async () => {
    const running = store.begin([hq.id], 'revoke');
    try {
      const text = await tools().intuneVpp_revokeLicenses.invoke({ tokenId: hq.id, notifyManagedDevices: false }, signal);
      assert.match(text, /^Not sent: a revoke of the licenses of "Contoso HQ" is already running\./);
      assert.equal(ui.of('confirm').length, 0);
      assert.equal(tenant.requestsFor('revoke').length, 0);
    } finally {
      running.release();
    }
  });

  it('revokeLicenses of a token whose revoke starts in the view while the modal is open: nothing is sent, and the model is told so', async () => {
    answers = [{ confirm: true }];
    let running: { release: () => void } | undefined;
    whileConfirming = () => (running = store.begin([hq.id], 'revoke'));
    try {
      const text = await tools().intuneVpp_revokeLicenses.invoke({ tokenId: hq.id, notifyManagedDevices: false }, signal);
      assert.match(text, /^Not sent: a revoke of the licenses of "Contoso HQ" is already running\./);
      assert.equal(ui.of('confirm').length, 1);
      assert.equal(tenant.requestsFor('revoke').length, 0);
    } finally {
      running?.release();
    }
  });

  it('revokeLicenses: a lost answer left unconfirmed is reported as such, sent once', async () => {
    tenant.addFault({ route: 'revoke', status: 504, times: 1 });
    answers = [{ confirm: true }];
    const text = await tools().intuneVpp_revokeLicenses.invoke({ tokenId: hq.id, notifyManagedDevices: false }, signal);
    assert.match(text, /^Unconfirmed: the revoke of "Contoso HQ" was sent once/);
    assert.equal(tenant.requestsFor('revoke').length, 1);
  });
});
