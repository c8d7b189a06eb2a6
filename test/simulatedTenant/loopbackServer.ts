import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** An HTTPS server listening on 127.0.0.1: its address, and a stop that drops every open connection. */
export interface LoopbackServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Serves `handle` over HTTPS on 127.0.0.1 (on `port`, or a free one). A request whose handling fails, or that is
 * still being answered when the server stops, has nobody to answer it: its connection is dropped.
 */
export async function listenOnLoopback(
  tls: { readonly key: string; readonly cert: string },
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port = 0,
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = https.createServer(tls, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
