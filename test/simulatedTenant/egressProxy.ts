import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

/** Where msal asks which hosts are Entra (instance discovery) for an authority it was not told to trust. */
export const INSTANCE_DISCOVERY_HOST = 'login.microsoftonline.com';

/**
 * The only way out for a test VS Code (`HTTPS_PROXY` with `NODE_USE_ENV_PROXY`): a tunnel to Entra's instance
 * discovery host goes to the simulated tenant, whose certificate names that host; every other outside host is refused
 * and recorded, so a test can show that nothing left the machine.
 */
export class EgressProxy {
  /** `host:port` of every tunnel or request refused. */
  readonly refused: string[] = [];
  /** `host:port` of every tunnel sent to the simulated tenant. */
  readonly forwarded: string[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly tenantPort: number) {
    this.server = http.createServer((req, res) => {
      this.refused.push(req.headers.host ?? req.url ?? '');
      res.statusCode = 403;
      res.end('This test machine has no network.');
    });
    this.server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      const target = req.url ?? '';
      if (target !== `${INSTANCE_DISCOVERY_HOST}:443`) {
        this.refused.push(target);
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      this.forwarded.push(target);
      const upstream = net.connect(this.tenantPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Environment for code-server (and so its extension host): Node's own fetch and agents use this proxy, loopback excepted. */
  environment(): Record<string, string> {
    return { NODE_USE_ENV_PROXY: '1', HTTPS_PROXY: this.url, HTTP_PROXY: this.url, NO_PROXY: '127.0.0.1,localhost' };
  }
}
