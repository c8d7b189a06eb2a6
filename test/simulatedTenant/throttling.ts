/**
 * Graph's throttling of Intune's VPP token and app routes, as `throttling-limits` documents it: every request
 * counts, reads included, in sliding windows per app and per tenant, and a refused request counts too. The
 * tenant-wide windows are shared with the admin center and every other tool, so a 429 can come while this app is
 * under its own limit.
 */

/** How many requests Graph admits in one window, per app in a tenant and per tenant across every app. */
export interface ThrottleLimits {
  readonly windowMs: number;
  readonly appRequests: number;
  readonly appWrites: number;
  readonly tenantRequests: number;
  readonly tenantWrites: number;
}

/** Intune's numbers for VPP tokens and apps: 100 writes and 1,000 requests per app, 200 and 2,000 per tenant, per 20 s. */
export const GRAPH_VPP_LIMITS: ThrottleLimits = {
  windowMs: 20_000,
  appRequests: 1000,
  appWrites: 100,
  tenantRequests: 2000,
  tenantWrites: 200,
};

/** Other tools' steady traffic in the tenant-wide windows: so many requests (and writes among them) in every window. */
export interface OtherTraffic {
  readonly requests: number;
  readonly writes: number;
}

export const NO_OTHER_TRAFFIC: OtherTraffic = { requests: 0, writes: 0 };

interface Counted {
  readonly time: number;
  readonly app: string;
  readonly write: boolean;
}

/** One limit: the requests it counts, how many it admits in its window, and how many other tools already used. */
interface Limit {
  readonly counts: (request: Counted) => boolean;
  readonly max: number;
  readonly windowMs: number;
  readonly used: number;
}

export class RequestWindows {
  private readonly counted: Counted[] = [];

  constructor(
    private readonly limits: () => ThrottleLimits,
    private readonly other: () => OtherTraffic,
    /** A test's own write limit (scaled down so that a bulk run meets it in seconds), on top of Graph's. */
    private readonly writeLimit: () => { readonly maxWrites: number; readonly windowMs: number } | undefined,
  ) {}

  clear(): void {
    this.counted.length = 0;
  }

  /**
   * Counts a request, admitted or refused, and says how long it must wait: undefined when admitted, else the
   * seconds until enough of what its limits counted has left their windows for one more request to fit.
   */
  admit(app: string, write: boolean, now = Date.now()): number | undefined {
    const request = { time: now, app, write };
    const waits = this.limitsOf(app)
      .filter((limit) => limit.counts(request))
      .map((limit) => this.waitMs(limit, now))
      .filter((wait): wait is number => wait !== undefined);
    this.counted.push(request);
    this.forget(now);
    return waits.length === 0 ? undefined : Math.max(1, Math.ceil(Math.max(...waits) / 1000));
  }

  private limitsOf(app: string): Limit[] {
    const { windowMs, appRequests, appWrites, tenantRequests, tenantWrites } = this.limits();
    const other = this.other();
    const own = (request: Counted) => request.app === app;
    const limits: Limit[] = [
      { counts: own, max: appRequests, windowMs, used: 0 },
      { counts: (request) => own(request) && request.write, max: appWrites, windowMs, used: 0 },
      { counts: () => true, max: tenantRequests, windowMs, used: other.requests },
      { counts: (request) => request.write, max: tenantWrites, windowMs, used: other.writes },
    ];
    const test = this.writeLimit();
    if (test) {
      limits.push({ counts: (request) => own(request) && request.write, max: test.maxWrites, windowMs: test.windowMs, used: 0 });
    }
    return limits;
  }

  /** Undefined when one more request fits the limit now; else how long until it does. */
  private waitMs(limit: Limit, now: number): number | undefined {
    const inWindow = this.counted.filter((request) => request.time > now - limit.windowMs && limit.counts(request));
    const excess = inWindow.length + limit.used - limit.max + 1;
    if (excess <= 0) {
      return undefined;
    }
    // The oldest `excess` requests must leave the window; other tools' traffic never does, so a limit it fills alone
    // is waited out a whole window at a time.
    const leaving = inWindow[Math.min(excess, inWindow.length) - 1];
    return leaving ? leaving.time + limit.windowMs - now : limit.windowMs;
  }

  private forget(now: number): void {
    const longest = Math.max(this.limits().windowMs, this.writeLimit()?.windowMs ?? 0);
    const kept = this.counted.filter((request) => request.time > now - longest);
    this.counted.splice(0, this.counted.length, ...kept);
  }
}
