/**
 * Network failures for the gateway's integration tests, made for real on the TCP connections to
 * the real servers (never by replacing an adapter): a proxy in front of the MongoDB-wire server,
 * and proxies in front of the Kafka brokers, reached through a kafkajs socket factory (Kafka
 * tells clients to connect to its advertised address, so a bootstrap proxy alone would be
 * bypassed). `cut()` closes every connection from the server's side, and each new one at once, as
 * a server that went away does; `heal()` lets connections through again.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

export interface Cuttable {
  cut(): Promise<void>;
  heal(): Promise<void>;
  /** Stops the proxies for good (after the test). */
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 to `target`; `chunks` counts what clients sent (to see traffic flowing).
 * Cut, it keeps its port (a closed port could be taken meanwhile, even by a client connecting to
 * itself) but closes every connection, and each new one as soon as it is accepted.
 */
export async function tcpProxy(target: { host: string; port: number }): Promise<Cuttable & { port: number; chunks(): number }> {
  const open = new Set<Socket>();
  let chunks = 0;
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(target);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('data', () => void (chunks += 1));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    chunks: () => chunks,
    async cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    async heal() {
      cut = false;
    },
    async close() {
      cut = true;
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A kafkajs socket factory that reaches each broker through a proxy of its own, so that cutting
 * the proxies closes kafkajs's connections from the far end (as a broker that died does) and
 * refuses new ones. Brokers other than `brokers` (none, with one local broker) are reached directly.
 */
export async function kafkaSockets(brokers: readonly string[]): Promise<Cuttable & { factory: ISocketFactory }> {
  const proxies = new Map<string, Awaited<ReturnType<typeof tcpProxy>>>();
  for (const broker of brokers) {
    const [host, port] = broker.split(':');
    proxies.set(broker, await tcpProxy({ host, port: Number(port) }));
  }
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    const proxy = proxies.get(`${host}:${port}`);
    return connect(proxy ? { host: '127.0.0.1', port: proxy.port } : { host, port }, onConnect);
  };
  return {
    factory,
    cut: async () => void (await Promise.all([...proxies.values()].map((p) => p.cut()))),
    heal: async () => void (await Promise.all([...proxies.values()].map((p) => p.heal()))),
    close: async () => void (await Promise.all([...proxies.values()].map((p) => p.close()))),
  };
}
