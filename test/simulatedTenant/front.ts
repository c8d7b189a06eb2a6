import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { SimulatedTenant } from './server';

/**
 * One host for many simulated tenants, as Microsoft's login and Graph hosts are: a sign-in goes to the tenant its
 * path names (`/{tenantId}/oauth2/…`), a Graph request to the tenant that issued its bearer token (one without a
 * known token to the first, which refuses it). Entries for these tenants share one login origin, as real ones do.
 */
export class SimulatedFront {
  private server: https.Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly tenants: readonly SimulatedTenant[],
    private readonly tls: { readonly key: string; readonly cert: string },
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) {
      throw new Error('The simulated front is not running');
    }
    return `https://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    const server = https.createServer(this.tls, (req, res) => {
      this.tenantFor(req.url ?? '/', req.headers.authorization)
        .answer(req, res)
        .catch(() => res.destroy());
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.server = server;
    for (const tenant of this.tenants) {
      tenant.serveBehind(this.url);
    }
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) {
      socket.destroy();
    }
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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
