import { AccountActions, actionContext, TenantContext } from '../../src/commands/context';
import { invoke } from '../../src/commands/invoke';
import { OutcomePolling } from '../../src/graph/actionResults';
import { RawSettings } from '../../src/config/settings';
import { createVppTokenService, ServiceDependencies } from '../../src/graph/createService';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { WriteJournal } from '../../src/journal/journal';
import { SimulatedTenant, TenantOptions } from '../simulatedTenant/server';
import { fakeAccount } from './fakeAccount';
import { RecordingLogger, startTenant, tenantSettings } from './fixtures';
import { testJournal } from './memoryJournal';
import { RecordingStore } from './recordingStore';
import { Answer, ScriptedUserInput } from './scriptedUserInput';

/**
 * Starts a simulated tenant before the suite, stops it after, and resets it before each test (`beforeEachTest`
 * replaces the plain reset). `started` receives the tenant: keep it in the suite's own variable.
 */
export function useSimulatedTenant(
  options: Partial<TenantOptions>,
  started: (tenant: SimulatedTenant) => void,
  beforeEachTest: (tenant: SimulatedTenant) => void = (tenant) => tenant.reset(),
): void {
  let tenant: SimulatedTenant | undefined;
  before(async () => {
    tenant = await startTenant(options);
    started(tenant);
  });
  after(async () => {
    await tenant?.stop();
  });
  beforeEach(() => {
    if (tenant) {
      beforeEachTest(tenant);
    }
  });
  afterEach(function () {
    if (tenant && this.currentTest?.state === 'failed') {
      // Batch answers come in a seeded order: the same seed replays the same order.
      console.log(
        `    simulated tenant's batch order seed: ${tenant.batchOrderSeed} (replay with SIM_BATCH_SEED=${tenant.batchOrderSeed})`,
      );
    }
  });
}

/** What a command test works with: the scripted UI, the log, the store, the tenant's context and `run`. */
export interface CommandHarness {
  readonly ui: ScriptedUserInput;
  readonly log: RecordingLogger;
  /** The tenant's store as the command saw it: what it was told, and the writes marked in flight. */
  readonly store: RecordingStore;
  readonly context: TenantContext;
  /** Runs a command as registerCommands does (any failure goes to the one error reporter), then checks the script was followed. */
  readonly run: (action: Promise<unknown> | (() => Promise<unknown>)) => Promise<void>;
}

export interface HarnessOptions {
  /** The context's service; by default one signed in to the tenant with a fixed access token. */
  readonly service?: (log: RecordingLogger) => VppTokenService;
  /** The default service's retries, throttle and so on (the access token and the log are the harness's). */
  readonly dependencies?: Partial<ServiceDependencies>;
  /** Settings of the default service beyond the simulated tenant's endpoints (a timeout, say). */
  readonly settings?: RawSettings;
  /** `intuneVpp.readGroupNames`: whether the service names the groups assignments target. */
  readonly groupNames?: boolean;
  /** The back-off of the outcome watch (default 20 and 40 ms), and of the license watch unless `licensePolling` is given. */
  readonly polling?: OutcomePolling;
  readonly licensePolling?: OutcomePolling;
  readonly account?: AccountActions;
  readonly journal?: WriteJournal;
  readonly tenantLabel?: string;
  readonly now?: () => number;
  readonly stopped?: AbortSignal;
  /** The store, when several contexts share one (two revokes of one token, say). */
  readonly store?: RecordingStore;
}

/** Error fixes that do nothing: a test asserts on the message, not on the fix it offers. */
const NO_FIXES = { signIn: () => 0, setClientSecret: () => 0, openSettings: () => 0, openSetupGuide: () => 0, showLog: () => 0 };

/** A command's context on the simulated tenant, with the UI answers scripted (or a scripted UI the test set up). */
export function commandHarness(
  tenant: SimulatedTenant,
  answers: Answer[] | ScriptedUserInput,
  options: HarnessOptions = {},
): CommandHarness {
  const ui = answers instanceof ScriptedUserInput ? answers : new ScriptedUserInput(answers);
  const log = new RecordingLogger();
  const store = options.store ?? new RecordingStore();
  const service = options.service?.(log) ?? defaultService(tenant, log, options);
  const polling = options.polling ?? { delaysMs: [20, 40] };
  const context: TenantContext = {
    ...actionContext(ui, log, options.stopped),
    service: () => service,
    account: options.account ?? fakeAccount({ signIn: async () => 'admin' }),
    store,
    now: options.now ?? (() => Date.now()),
    journal: options.journal ?? testJournal(),
    tenantLabel: options.tenantLabel,
    outcomePolling: polling,
    licensePolling: options.licensePolling ?? polling,
  };
  return { ui, log, store, context, run: (action) => runAsCommand(ui, log, action) };
}

/** Runs a command through the registration's own `invoke` (any failure goes to the one error reporter), then checks the script was followed. */
export async function runAsCommand(
  ui: ScriptedUserInput,
  log: RecordingLogger,
  action: Promise<unknown> | (() => Promise<unknown>),
): Promise<void> {
  await invoke(
    () => (typeof action === 'function' ? action() : action),
    [],
    actionContext(ui, log),
    () => NO_FIXES,
  );
  ui.assertScriptFollowed();
}

function defaultService(tenant: SimulatedTenant, log: RecordingLogger, options: HarnessOptions): VppTokenService {
  const accessToken = tenant.issueAccessToken();
  return createVppTokenService(
    { ...tenantSettings(tenant, options.settings), groupNames: options.groupNames === true },
    {
      getAccessToken: async () => accessToken,
      acceptLanguage: 'en-US',
      retry: { delaySeconds: 0, maxRetries: 2, maxWaitSeconds: 60 },
      ...options.dependencies,
      log,
    },
  );
}
