import * as assert from 'node:assert/strict';
import { fakeAccount } from '../support/fakeAccount';
import { RecordingStore } from '../support/recordingStore';
import { TenantContext } from '../../src/commands/context';
import { reportError } from '../../src/commands/reportError';
import { revokeLicenses } from '../../src/commands/licenses/revokeLicenses';
import { CONSEQUENCES } from '../../src/commands/licenses/revokeWording';
import { VppError } from '../../src/errors';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { seedTokens } from '../simulatedTenant/seed';
import { Fault, SimulatedTenant } from '../simulatedTenant/server';
import { RecordingLogger, startTenant } from '../support/fixtures';
import { commandHarness, runAsCommand, useSimulatedTenant } from '../support/harness';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { waitUntil } from '../support/waitUntil';

const NOTIFY = 'Notify managed devices';
const UNTRACKED = 'Revoke untracked licenses';
const RETRY = { delaySeconds: 0, maxRetries: 2, maxWaitSeconds: 60 };

describe('Revoke Licenses command (scripted UI, simulated tenant)', () => {
  let tenant: SimulatedTenant;
  let accessToken: string;
  let signIns: number;
  let timeoutSeconds: number;

  const seed = seedTokens();
  const hq = seed[0];
  const expired = seed[2];

  useSimulatedTenant(
    { revokeCompletionMs: 20 },
    (started) => (tenant = started),
    () => {
      tenant.reset();
      accessToken = tenant.issueAccessToken();
      signIns = 0;
      timeoutSeconds = 30;
    },
  );

  function setup(answers: Answer[], store?: RecordingStore) {
    return commandHarness(tenant, answers, {
      store,
      settings: { requestTimeoutSeconds: timeoutSeconds },
      dependencies: { getAccessToken: async () => accessToken, retry: RETRY },
      account: fakeAccount({
        signIn: async () => {
          signIns++;
          accessToken = tenant.issueAccessToken();
          return 'admin@contoso.example';
        },
      }),
      polling: { delaysMs: [40, 80, 160] },
    });
  }

  /** Runs the command as registerCommands does: errors go to the one reporter. */
  function run(context: TenantContext, ui: ScriptedUserInput, log: RecordingLogger, token?: VppTokenRecord) {
    return runAsCommand(ui, log, revokeLicenses(context, token ? [token] : []));
  }

  describe('from a tree item', () => {
    const combinations: [string[], boolean, boolean][] = [
      [[], false, false],
      [[NOTIFY], true, false],
      [[UNTRACKED], false, true],
      [[NOTIFY, UNTRACKED], true, true],
    ];
    for (const [picked, notifyManagedDevices, revokeUntrackedLicenses] of combinations) {
      it(`picking [${picked.join(', ')}] posts exactly that body once`, async () => {
        const { ui, log, store, context } = setup([{ pickMany: picked }, { confirm: true }]);
        await run(context, ui, log, hq);
        const posts = tenant.requestsFor('revoke');
        assert.equal(posts.length, 1);
        assert.equal(posts[0].url, `/beta/deviceAppManagement/vppTokens/${hq.id}/revokeLicenses`);
        assert.equal(posts[0].body, JSON.stringify({ notifyManagedDevices, revokeUntrackedLicenses }));
        assert.equal(posts[0].headers.authorization, `Bearer ${accessToken}`);
        assert.deepEqual(ui.of('error'), []);
        // One message, once Intune reported the outcome of this revoke.
        assert.deepEqual(
          ui.of('info').map((info) => info.message),
          ['Intune accepted the revoke of the licenses of "Contoso HQ": done · 13 licenses, 0 failed'],
        );
        // Re-read once, when the outcome is known, so that the row shows it.
        assert.deepEqual(store.writtenTokens, [hq.id]);
        const line = log.lines.find((entry) => entry.message.startsWith(`Revoke licenses of token ${hq.id}`));
        assert.ok(line, 'the attempt is logged');
        assert.match(
          line.message,
          new RegExp(`notifyManagedDevices=${notifyManagedDevices}, revokeUntrackedLicenses=${revokeUntrackedLicenses}`),
        );
        assert.match(line.message, /at \d{4}-\d\d-\d\dT/);
        assert.match(
          line.message,
          new RegExp(`: 204 \\(request-id [0-9a-f-]{36}, client-request-id ${posts[0].headers['client-request-id']}\\)`),
        );
      });
    }

    it('offers exactly the two options, none pre-selected, titled with the token name', async () => {
      const { ui, log, context } = setup(['escape']);
      await run(context, ui, log, hq);
      const [pick] = ui.of('pickMany');
      assert.equal(pick.title, 'Revoke licenses of "Contoso HQ"');
      assert.deepEqual(
        pick.items?.map((item) => item.label),
        [NOTIFY, UNTRACKED],
      );
      for (const item of pick.items ?? []) {
        assert.ok(item.detail && item.detail.length > 20, 'each option explains itself');
        assert.equal((item as { picked?: boolean }).picked, undefined);
      }
    });

    it('confirms in a modal naming the token, Apple ID, location, options and consequences', async () => {
      const { ui, log, context } = setup([{ pickMany: [NOTIFY] }, { confirm: false }]);
      await run(context, ui, log, hq);
      const [confirm] = ui.of('confirm');
      assert.equal(confirm.message, 'Revoke all app licenses of the VPP token "Contoso HQ"?');
      assert.deepEqual(confirm.buttons, ['Revoke Licenses', 'Back'], 'Back returns to the options');
      assert.match(confirm.detail ?? '', /Apple ID: vpp1@contoso\.example/);
      assert.match(confirm.detail ?? '', /Location: Seattle HQ/);
      assert.match(confirm.detail ?? '', /Notify managed devices: yes/);
      assert.match(confirm.detail ?? '', /Revoke untracked licenses: no/);
      assert.match(confirm.detail ?? '', /cannot be undone/);
      assert.match(confirm.detail ?? '', /not uninstalled from iOS/);
      assert.doesNotMatch(confirm.detail ?? '', /Intune reports this token as/);
    });

    it("the confirmation says how many apps and licenses the revoke touches, read from the token's VPP apps", async () => {
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: false }]);
      await run(context, ui, log, hq);
      // Contoso HQ bought two apps in the seed: 5 of 20 and 8 of 30 licenses used.
      assert.match(ui.of('confirm')[0].detail ?? '', /The VPP apps of this token: 2, licenses used: 13 of 50/);
      assert.ok(ui.of('progress').some((shown) => shown.title === 'Reading the VPP apps bought with the selection…'));
    });

    it('when the apps cannot be read, the confirmation says why, and the revoke is still possible', async () => {
      tenant.permissions = ['DeviceManagementServiceConfig.ReadWrite.All'];
      accessToken = tenant.issueAccessToken();
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }]);
      await run(context, ui, log, hq);
      assert.match(
        ui.of('confirm')[0].detail ?? '',
        /licenses this revoke touches are not known: the VPP apps could not be read \(it needs the permission DeviceManagementApps\.ReadWrite\.All\)/,
      );
      assert.equal(tenant.requestsFor('revoke').length, 1);
      assert.deepEqual(ui.of('error'), []);
    });

    it('warns in the confirmation when the token is not valid', async () => {
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: false }]);
      await run(context, ui, log, expired);
      assert.match(ui.of('confirm')[0].detail ?? '', /Intune reports this token as expired/);
    });
  });

  it('with several tenants the confirmation names the tenant first; with one it does not', async () => {
    for (const tenantLabel of ['Fabrikam Schools', undefined]) {
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: false }]);
      await run({ ...context, tenantLabel }, ui, log, hq);
      const detail = ui.of('confirm')[0].detail ?? '';
      if (tenantLabel) {
        assert.equal(detail.split('\n')[0], 'Tenant: Fabrikam Schools');
      } else {
        assert.doesNotMatch(detail, /Tenant:/);
      }
    }
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  describe('dismissing sends nothing', () => {
    it('Escape in the token pick (palette)', async () => {
      const { ui, log, context } = setup(['escape']);
      await run(context, ui, log);
      assert.equal(ui.of('pickOne').length, 1);
      assert.equal(tenant.requestsFor('revoke').length, 0);
      assert.deepEqual(ui.of('error'), []);
    });

    it('Escape in the options pick', async () => {
      const { ui, log, context } = setup(['escape']);
      await run(context, ui, log, hq);
      assert.equal(tenant.requests.length, 0);
      assert.equal(ui.of('confirm').length, 0);
    });

    it('Escape or Cancel in the confirmation', async () => {
      for (const answer of ['escape', { confirm: false }] as Answer[]) {
        tenant.requests.length = 0;
        const { ui, log, store, context } = setup([{ pickMany: [NOTIFY, UNTRACKED] }, answer]);
        await run(context, ui, log, hq);
        // Only the reads that showed the license impact and the apps' assignments in the confirmation: no write.
        assert.deepEqual([...new Set(tenant.requests.map((request) => request.route))], ['apps', 'batch', 'appAssignments']);
        assert.deepEqual(
          tenant.requests.filter((request) => request.method !== 'GET').map((request) => JSON.parse(request.body) as unknown),
          [
            {
              requests: [0, 1].map((index) => ({
                id: String(index),
                method: 'GET',
                url: `/deviceAppManagement/mobileApps/app-0-${index}/assignments`,
              })),
            },
          ],
        );
        assert.deepEqual(ui.of('info'), []);
        assert.deepEqual(store.writtenTokens, []);
      }
    });
  });

  describe('from the palette', () => {
    it('asks for the token, searchable by name, state and Apple ID, then revokes that one', async () => {
      const { ui, log, context } = setup([{ pick: 'Contoso Retail' }, { pickMany: [NOTIFY] }, { confirm: true }]);
      await run(context, ui, log);
      const [pick] = ui.of('pickOne');
      const retail = pick.items?.find((item) => item.label === 'Contoso Retail');
      assert.match(retail?.description ?? '', /^valid · expires in 1[12] days$/);
      assert.match(retail?.detail ?? '', /vpp2@contoso\.example · Retail stores/);
      assert.equal(pick.items?.length, seed.length);
      const posts = tenant.requestsFor('revoke');
      assert.equal(posts.length, 1);
      assert.equal(posts[0].tokenId, seed[1].id);
      assert.equal(posts[0].body, '{"notifyManagedDevices":true,"revokeUntrackedLicenses":false}');
    });

    it('Back goes from the confirmation to the options (ticked as before) and from there to the token, then one POST', async () => {
      const { ui, log, context, store } = setup([
        { pick: 'Contoso Retail' },
        { pickMany: [NOTIFY] },
        'back',
        { pickMany: [NOTIFY, UNTRACKED] },
        'back',
        'back',
        { pick: 'Contoso HQ' },
        { pickMany: [UNTRACKED] },
        { confirm: true },
      ]);
      await run(context, ui, log);
      assert.deepEqual(
        ui.of('pickMany').map(({ title, step, value }) => [title, step, value]),
        [
          ['Revoke licenses of "Contoso Retail"', '2/3', ''],
          ['Revoke licenses of "Contoso Retail"', '2/3', NOTIFY],
          ['Revoke licenses of "Contoso Retail"', '2/3', `${NOTIFY}, ${UNTRACKED}`],
          ['Revoke licenses of "Contoso HQ"', '2/3', `${NOTIFY}, ${UNTRACKED}`],
        ],
        'each return to the options shows what was ticked before',
      );
      assert.deepEqual(
        ui.of('pickOne').map(({ step, value }) => [step, value]),
        [
          ['1/3', undefined],
          ['1/3', 'Contoso Retail'],
        ],
        'the return to the token pick highlights the token picked before',
      );
      const confirms = ui.of('confirm');
      assert.equal(confirms.length, 3);
      assert.match(confirms[0].detail ?? '', /Notify managed devices: yes\nRevoke untracked licenses: no/);
      assert.match(confirms[1].detail ?? '', /Notify managed devices: yes\nRevoke untracked licenses: yes/);
      assert.match(confirms[2].message ?? '', /"Contoso HQ"/);
      assert.deepEqual(
        tenant.requestsFor('revoke').map((post) => [post.tokenId, post.body]),
        [[seed[0].id, '{"notifyManagedDevices":false,"revokeUntrackedLicenses":true}']],
        'only the last answers are sent, once',
      );
      assert.deepEqual(store.begun, [{ kind: 'revoke', ids: [seed[0].id] }], 'only the token revoked was shown as revoking');
    });

    it('Back from the first step is not offered, and Cancel in a confirmation reached by Back sends nothing', async () => {
      const { ui, log, context } = setup([{ pickMany: [] }, 'back', { pickMany: [NOTIFY] }, { confirm: false }]);
      await run(context, ui, log, seed[0]);
      assert.deepEqual(
        ui.of('pickMany').map(({ step }) => step),
        ['1/2', '1/2'],
      );
      assert.deepEqual(
        ui.of('confirm').map(({ buttons }) => buttons),
        [
          ['Revoke Licenses', 'Back'],
          ['Revoke Licenses', 'Back'],
        ],
      );
      assert.equal(tenant.requestsFor('revoke').length, 0);
    });

    it('a token whose revoke runs is refused when picked: one message, no options asked, nothing sent', async () => {
      const store = new RecordingStore();
      const running = store.begin([seed[1].id], 'revoke');
      const { ui, log, context } = setup([{ pick: 'Contoso Retail' }], store);
      await run(context, ui, log);
      running.release();
      assert.deepEqual(
        ui.of('info').map((info) => info.message),
        ['A revoke of the licenses of "Contoso Retail" is already running.'],
      );
      assert.equal(ui.of('pickMany').length, 0);
      assert.equal(tenant.requestsFor('revoke').length, 0);
    });

    it('signs in first when needed', async () => {
      const { ui, log, context } = setup([{ pick: 'Contoso HQ' }, { pickMany: [] }, { confirm: true }]);
      let first = true;
      const service = context.service();
      const original = service.listTokens.bind(service);
      service.listTokens = async () => {
        if (first) {
          first = false;
          throw new VppError('signInRequired', 'not signed in');
        }
        return original();
      };
      await run(context, ui, log);
      assert.equal(signIns, 1);
      assert.equal(tenant.requestsFor('revoke').length, 1);
    });
  });

  it('refuses a second revoke of the same token while the first runs', async () => {
    tenant.addFault({ route: 'revoke', delayMs: 400, status: 204, body: '' });
    const store = new RecordingStore();
    const first = setup([{ pickMany: [] }, { confirm: true }], store);
    const running = run(first.context, first.ui, first.log, hq);
    await waitUntil(() => tenant.requestsFor('revoke').length === 1, 'the first revoke to reach the tenant');
    assert.equal(store.current(hq.id), 'revoke', 'the tree shows the token as revoking');
    const second = setup([], store);
    await run(second.context, second.ui, second.log, hq);
    assert.match(second.ui.of('info')[0].message ?? '', /already running/);
    assert.equal(second.ui.of('pickMany').length, 0);
    await running;
    assert.equal(tenant.requestsFor('revoke').length, 1);
    assert.match(first.ui.of('info')[0].message ?? '', /accepted/);
    // Once it ended, the token can be revoked again.
    const third = setup([{ pickMany: [] }, { confirm: true }], store);
    await run(third.context, third.ui, third.log, hq);
    assert.equal(tenant.requestsFor('revoke').length, 2);
  });

  it('a revoke of the same token started while the confirmation is open wins: this one is refused after it, and sends nothing', async () => {
    const store = new RecordingStore();
    const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }], store);
    ui.onConfirm = () => void store.begin([hq.id], 'revoke');
    await run(context, ui, log, hq);
    assert.deepEqual(
      ui.of('info').map((info) => info.message),
      ['A revoke of the licenses of "Contoso HQ" is already running.'],
    );
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it('a selection whose every token starts a revoke elsewhere while the confirmation is open: refused, nothing sent', async () => {
    const store = new RecordingStore();
    const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }], store);
    ui.onConfirm = () => void store.begin([seed[0].id, seed[1].id], 'revoke');
    await runAsCommand(ui, log, revokeLicenses(context, [seed[1], seed[0]]));
    assert.deepEqual(
      ui.of('info').map((info) => info.message),
      ['A revoke is already running for each of the selected tokens.'],
    );
    assert.equal(tenant.requestsFor('revoke').length, 0);
    assert.deepEqual(
      ui.of('progress').map((progress) => progress.title),
      ['Reading the VPP apps bought with the selection…', 'Reading how the apps are assigned…'],
      'no run was started, only the reads for the confirmation',
    );
  });

  it("a selection's confirmation: the tokens in the tree's order, what they touch, the options, and how many are not valid", async () => {
    const { ui, log, context } = setup([{ pickMany: [NOTIFY] }, { confirm: false }]);
    await runAsCommand(ui, log, revokeLicenses(context, [seed[2], seed[0]]));
    const [confirm] = ui.of('confirm');
    assert.equal(confirm.message, 'Revoke all app licenses of 2 VPP tokens?');
    assert.deepEqual(confirm.buttons, ['Revoke Licenses', 'Back']);
    const lines = (confirm.detail ?? '').split('\n');
    assert.match(lines[2], /^The VPP apps of these tokens: \d+, licenses used: /);
    assert.deepEqual(
      [...lines.slice(0, 2), ...lines.slice(3)],
      [
        '• Contoso HQ',
        '• Contoso Labs',
        '',
        'Notify managed devices: yes',
        'Revoke untracked licenses: no',
        '1 of these tokens are not valid in Intune; their revoke may fail.',
        '',
        CONSEQUENCES(),
      ],
      'no line about skipped tokens when none was skipped',
    );
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it('a selection of valid tokens says nothing of validity', async () => {
    const { ui, log, context } = setup([{ pickMany: [] }, { confirm: false }]);
    await runAsCommand(ui, log, revokeLicenses(context, [seed[0], seed[1]]));
    assert.doesNotMatch(ui.of('confirm')[0].detail ?? '', /not valid|skipped/);
  });

  it('a token without an Apple ID or a location says so with a dash', async () => {
    const { ui, log, context } = setup([{ pickMany: [] }, { confirm: false }]);
    await run(context, ui, log, { ...hq, appleId: undefined, locationName: null });
    assert.match(ui.of('confirm')[0].detail ?? '', /Apple ID: -\nLocation: -\n/);
  });

  describe('a revoke whose answer was lost is reconciled by reading the token, never resent on its own', () => {
    const NOT_CONFIRMED =
      /The revoke of the licenses of "Contoso HQ" is not confirmed: the token shows no new revoke\. Intune may have carried out this request/;

    it('Intune carried it out, then answered 504: one POST, and the accepted outcome as information', async () => {
      tenant.addFault({ route: 'revoke', status: 504, afterExecute: true });
      const { ui, log, context } = setup([{ pickMany: [NOTIFY] }, { confirm: true }]);
      await run(context, ui, log, hq);
      assert.equal(tenant.requestsFor('revoke').length, 1);
      assert.equal(tenant.executed.length, 1);
      assert.deepEqual(ui.of('error'), []);
      assert.deepEqual(
        ui.of('info').map((info) => info.message),
        ['Intune accepted the revoke of the licenses of "Contoso HQ": done · 13 licenses, 0 failed'],
      );
      assert.ok(log.lines.some((line) => /reconciled, Intune received it/.test(line.message)));
    });

    for (const [name, fault] of [
      ['a reset connection', { drop: true }],
      ['a hang past the timeout', { hang: true }],
      ['a body cut mid-way', { status: 200, body: '{"id":"x"}', cutBody: true }],
    ] as const) {
      it(`Intune carried it out, then ${name}: one POST, accepted`, async () => {
        timeoutSeconds = 1;
        tenant.addFault({ route: 'revoke', ...fault, afterExecute: true });
        const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }]);
        await run(context, ui, log, hq);
        assert.equal(tenant.requestsFor('revoke').length, 1);
        assert.equal(tenant.executed.length, 1);
        assert.deepEqual(ui.of('error'), []);
        assert.match(ui.of('info')[0]?.message ?? '', /Intune accepted the revoke of the licenses of "Contoso HQ": done/);
      });
    }

    for (const [name, fault] of [
      ['answered 500', { status: 500 }],
      ['answered 504', { status: 504 }],
      ['a reset connection', { drop: true }],
      ['a hang past the timeout', { hang: true }],
    ] as const) {
      it(`not carried out, ${name}: one POST, "not confirmed" with Check Again and Send Again; dismissing sends nothing more`, async () => {
        timeoutSeconds = 1;
        tenant.addFault({ route: 'revoke', ...fault });
        const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }]);
        await run(context, ui, log, hq);
        assert.equal(tenant.requestsFor('revoke').length, 1);
        assert.equal(tenant.executed.length, 0);
        const [error] = ui.of('error');
        assert.match(error.message ?? '', NOT_CONFIRMED);
        assert.deepEqual(error.buttons, ['Check Again', 'Send Again']);
        assert.deepEqual(ui.of('info'), []);
        assert.ok(log.lines.some((line) => line.level === 'warn' && /left unconfirmed by the user/.test(line.message)));
      });
    }

    it('Send Again asks once more, saying the first may have reached Intune, then sends exactly one more', async () => {
      tenant.addFault({ route: 'revoke', status: 504 });
      const { ui, log, context } = setup([{ pickMany: [NOTIFY] }, { confirm: true }, { confirm: true }]);
      ui.errorChoices.push('Send Again');
      await run(context, ui, log, hq);
      const [, second] = ui.of('confirm');
      assert.equal(second.message, 'Send the revoke of the licenses of "Contoso HQ" again?');
      assert.match(second.detail ?? '', /may have reached Intune although it was not confirmed/);
      assert.match(second.detail ?? '', /Notify managed devices: yes/);
      assert.equal(tenant.requestsFor('revoke').length, 2);
      assert.equal(tenant.executed.length, 1);
      assert.equal(ui.of('error').length, 1);
      assert.match(ui.of('info')[0]?.message ?? '', /Intune accepted the revoke of the licenses of "Contoso HQ": done/);
    });

    it('Send Again, then Cancel in its confirmation, sends nothing more', async () => {
      tenant.addFault({ route: 'revoke', status: 504 });
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }, { confirm: false }]);
      ui.errorChoices.push('Send Again');
      await run(context, ui, log, hq);
      assert.equal(tenant.requestsFor('revoke').length, 1);
      assert.equal(ui.remaining(), 0);
    });

    it('Check Again finds a result Intune reported late: accepted, and nothing is sent again', async () => {
      tenant.addFault({ route: 'revoke', status: 504 });
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }]);
      ui.errorChoices.push('Check Again');
      ui.onError = () => {
        const stored = tenant.tokens.get(hq.id);
        const now = new Date().toISOString();
        stored?.tokenActionResults?.unshift({
          actionName: 'RevokeLicenses',
          actionState: 'done',
          startDateTime: now,
          lastUpdatedDateTime: now,
        });
      };
      await run(context, ui, log, hq);
      assert.equal(tenant.requestsFor('revoke').length, 1);
      assert.equal(ui.of('error').length, 1);
      assert.deepEqual(
        ui.of('info').map((info) => info.message),
        ['Intune accepted the revoke of the licenses of "Contoso HQ": done'],
      );
    });

    it("the outcome shown is this revoke's, never an older one still listed on the token", async () => {
      const slow = await startTenant({ revokeCompletionMs: 60_000 });
      try {
        const older = new Date(Date.now() - 45_000).toISOString();
        slow.tokens.get(hq.id)?.tokenActionResults?.unshift({
          actionName: 'RevokeLicenses',
          actionState: 'done',
          startDateTime: older,
          lastUpdatedDateTime: older,
        });
        accessToken = slow.issueAccessToken();
        const { ui, log, context } = commandHarness(slow, [{ pickMany: [] }, { confirm: true }], {
          dependencies: { getAccessToken: async () => accessToken, retry: undefined },
          account: fakeAccount(),
          polling: { delaysMs: [20, 20] },
        });
        await run(context, ui, log, hq);
        assert.match(ui.of('info')[0]?.message ?? '', /is still processing it \(active/);
      } finally {
        await slow.stop();
      }
    });
  });

  it("a prompt nobody scripted fails the test, even though the command's error handler swallows it", async () => {
    const { ui, log, context } = setup([]);
    const fixes = { signIn: () => 0, setClientSecret: () => 0, openSetupGuide: () => 0, openSettings: () => 0, showLog: () => 0 };
    await revokeLicenses(context, [hq]).catch((error: unknown) => reportError(error, ui, log, fixes));
    assert.equal(tenant.requestsFor('revoke').length, 0);
    assert.deepEqual(ui.unexpected, ['pickMany']);
    assert.throws(() => ui.assertScriptFollowed(), /a prompt came that the test did not script/);
  });

  it('a scripted answer the product never asked for fails the test, unless the test says its flow may end early', async () => {
    const { ui, log, context } = setup([{ pickMany: [] }, 'escape', { confirm: true }]);
    const fixes = { signIn: () => 0, setClientSecret: () => 0, openSetupGuide: () => 0, openSettings: () => 0, showLog: () => 0 };
    await revokeLicenses(context, [hq]).catch((error: unknown) => reportError(error, ui, log, fixes));
    assert.equal(tenant.requestsFor('revoke').length, 0);
    assert.equal(ui.remaining(), 1);
    assert.throws(() => ui.assertScriptFollowed(), /scripted answers were never asked for/);
    ui.mayLeaveAnswersUnused = true;
    assert.doesNotThrow(() => ui.assertScriptFollowed());
  });

  describe('failures show one clear message and change nothing', () => {
    const cases: { name: string; fault: Fault; kind: string; message: RegExp; posts: number; buttons: string[] }[] = [
      {
        name: '400',
        fault: { route: 'revoke', status: 400 },
        kind: 'badRequest',
        message: /refused the request as invalid/,
        posts: 1,
        buttons: ['Show Log'],
      },
      {
        name: '401',
        fault: { route: 'revoke', status: 401 },
        kind: 'unauthorized',
        message: /Sign In/,
        posts: 1,
        buttons: ['Sign In', 'Show Log'],
      },
      {
        name: '403',
        fault: { route: 'revoke', status: 403 },
        kind: 'forbidden',
        message: /DeviceManagementApps\.ReadWrite\.All/,
        posts: 1,
        buttons: ['Open Setup Guide', 'Show Log'],
      },
      {
        name: '429',
        fault: { route: 'revoke', status: 429, retryAfter: '0', times: 10 },
        kind: 'throttled',
        message: /throttling/,
        posts: 1 + RETRY.maxRetries,
        buttons: ['Show Log'],
      },
    ];
    for (const testCase of cases) {
      it(`${testCase.name}`, async () => {
        timeoutSeconds = 1;
        tenant.addFault(testCase.fault);
        const { ui, log, store, context } = setup([{ pickMany: [NOTIFY] }, { confirm: true }]);
        await run(context, ui, log, hq);
        assert.equal(tenant.requestsFor('revoke').length, testCase.posts);
        const errors = ui.of('error');
        assert.equal(errors.length, 1);
        assert.match(errors[0].message ?? '', testCase.message);
        assert.deepEqual(errors[0].buttons, testCase.buttons);
        assert.deepEqual(ui.of('info'), []);
        assert.deepEqual(store.writtenTokens, []);
        assert.equal(store.relists, 0);
        assert.ok(log.lines.some((line) => line.level === 'error' && line.message.includes(`kind=${testCase.kind}`)));
        assert.ok(
          log.lines.some((line) => line.message.startsWith(`Revoke licenses of token ${hq.id}`) && line.message.includes('failed')),
        );
      });
    }

    it('404: says the token is gone, sends nothing and refreshes the tree', async () => {
      tenant.tokens.delete(hq.id);
      const { ui, log, store, context } = setup([{ pickMany: [] }, { confirm: true }]);
      await run(context, ui, log, hq);
      // The read of its action results, just before the revoke, already found it gone.
      assert.equal(tenant.requestsFor('revoke').length, 0);
      assert.match(ui.of('error')[0].message ?? '', /"Contoso HQ" no longer exists in Intune; the list was refreshed/);
      assert.equal(store.relists, 1);
    });
  });
});
