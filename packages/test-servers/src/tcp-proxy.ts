import net from 'node:net';

/** How the proxy treats traffic right now. */
export type ProxyMode = 'forward' | 'blackhole';

export interface TcpProxyOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  /** Port to listen on. Default: a free port chosen by the kernel. */
  readonly port?: number;
}

/** A TCP forwarder for fault tests that can stop answering or drop connections on demand. */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  readonly mode: ProxyMode;
  /** Connections open right now (client side). */
  readonly connectionCount: number;
  /** Connections accepted since the proxy started: how many times a client tried to connect. */
  readonly acceptedCount: number;
  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string;
  /** Accept connections and never answer: new ones are held silent, open ones stop forwarding. */
  blackhole(): void;
  /**
   * Open connections stop forwarding and stay open without a word (no FIN, no RST), as when a NAT
   * or load balancer forgets them: not even the server closing its end reaches the client. New
   * connections are forwarded as usual. `heal()` drops the stalled ones.
   */
  stall(): void;
  /** Destroy every open connection (both sides), as a network cut or a server crash would. */
  cut(): void;
  /** Forward again; connections held by a blackhole are dropped so clients notice. */
  heal(): void;
  close(): Promise<void>;
}

interface Link {
  readonly client: net.Socket;
  upstream: net.Socket | undefined;
  silenced: boolean;
}

/** Starts a TCP proxy on 127.0.0.1 in front of `targetHost:targetPort`. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const host = '127.0.0.1';
  const links = new Set<Link>();
  let mode: ProxyMode = 'forward';
  let accepted = 0;

  const destroy = (link: Link) => {
    link.client.destroy();
    link.upstream?.destroy();
    links.delete(link);
  };

  const connectUpstream = (link: Link) => {
    const upstream = net.connect({ host: options.targetHost, port: options.targetPort });
    link.upstream = upstream;
    // A silenced link forwards nothing, not even the server closing: the client's socket stays
    // open without a word, as behind a NAT that forgot the connection.
    const upstreamGone = () => (link.silenced ? undefined : destroy(link));
    upstream.on('error', upstreamGone);
    upstream.on('close', upstreamGone);
    link.client.pipe(upstream);
    upstream.pipe(link.client);
  };

  /** Stops forwarding both ways and swallows what arrives, keeping both sockets open. */
  const silence = (link: Link) => {
    if (!link.upstream || link.silenced) return;
    link.silenced = true;
    link.client.unpipe(link.upstream);
    link.upstream.unpipe(link.client);
    link.client.on('data', () => undefined);
    link.upstream.on('data', () => undefined);
  };

  const server = net.createServer((client) => {
    accepted += 1;
    const link: Link = { client, upstream: undefined, silenced: false };
    links.add(link);
    client.on('error', () => destroy(link));
    client.on('close', () => destroy(link));
    if (mode === 'forward') connectUpstream(link);
    // In blackhole mode the socket is accepted and simply never answered.
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('The proxy has no TCP address');

  return {
    host,
    port: address.port,
    get mode() {
      return mode;
    },
    get connectionCount() {
      return links.size;
    },
    get acceptedCount() {
      return accepted;
    },
    url(url: string) {
      const parsed = new URL(url);
      parsed.hostname = host;
      parsed.port = String(address.port);
      return parsed.toString();
    },
    blackhole() {
      mode = 'blackhole';
      for (const link of links) silence(link);
    },
    stall() {
      for (const link of links) silence(link);
    },
    cut() {
      for (const link of [...links]) destroy(link);
    },
    heal() {
      for (const link of [...links]) if (mode === 'blackhole' || link.silenced) destroy(link);
      mode = 'forward';
    },
    async close() {
      for (const link of [...links]) destroy(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
