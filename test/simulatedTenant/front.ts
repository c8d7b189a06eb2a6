import { listenOnLoopback, LoopbackServer } from './loopbackServer';
import { SimulatedTenant } from './server';

/**
 * One host for many simulated tenants, as Microsoft's login and Graph hosts are: a sign-in goes to the tenant its
 * path names (`/{tenantId}/oauth2/…`), a Graph request to the tenant that issued its bearer token (one without a
 * known token to the first, which refuses it). Entries for these tenants share one login origin, as real ones do.
 */
export class SimulatedFront {
  private server: LoopbackServer | undefined;

  constructor(
    private readonly tenants: readonly SimulatedTenant[],
    private readonly tls: { readonly key: string; readonly cert: string },
  ) {}

  get url(): string {
    if (!this.server) {
      throw new Error('The simulated front is not running');
    }
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await listenOnLoopback(this.tls, (req, res) =>
      this.tenantFor(req.url ?? '/', req.headers.authorization).answer(req, res),
    );
    for (const tenant of this.tenants) {
      tenant.serveBehind(this.url);
    }
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  private tenantFor(path: string, authorization: string | undefined): SimulatedTenant {
    const firstSegment = new URL(path, 'https://front.invalid').pathname.split('/')[1];
    return (
      this.tenants.find((tenant) => tenant.tenantId === firstSegment) ??
      this.tenants.find((tenant) => tenant.issued(authorization)) ??
      this.tenants[0]
    );
  }
}
