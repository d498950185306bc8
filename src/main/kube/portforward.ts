/**
 * Port-forward to a pod through the API server (the portforward subresource over WebSocket,
 * `v4.channel.k8s.io`), as a socket that HTTP requests can run over. Each port has a data channel
 * (2i) and an error channel (2i+1); the server starts each with the port number. A Tunnel keeps
 * one forwarded connection per pod and port and reuses it (HTTP keep-alive over it); a closed or
 * failed one is reopened by the next request.
 */
import * as http from 'node:http';
import { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { KubeClient } from './client';
import { httpError, KubeError } from './errors';

/** PortForwardSocket is one forwarded TCP connection as a Duplex. */
class PortForwardSocket extends Duplex {
  private seen = [false, false];
  private errText = '';

  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      const msg = isBinary ? raw : Buffer.from(raw);
      if (msg.length === 0) return;
      const ch = msg[0]!;
      let body = msg.subarray(1);
      if (ch > 1) return;
      // The first frame of each channel carries the port number (2 bytes, little endian).
      if (!this.seen[ch]) {
        this.seen[ch] = true;
        body = body.subarray(2);
      }
      if (body.length === 0) return;
      if (ch === 0) this.push(body);
      else this.errText += body.toString('utf8');
    });
    ws.on('close', () => {
      if (this.errText !== '') this.destroy(new Error(this.errText.trim()));
      else this.push(null);
    });
    ws.on('error', (e) => this.destroy(e));
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      cb(new Error('port-forward connection closed'));
      return;
    }
    this.ws.send(Buffer.concat([Buffer.from([0]), chunk]), cb);
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.ws.terminate();
    cb(err);
  }

  // What http.ClientRequest calls on a socket.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** openPortForward opens one forwarded connection to port of pod ns/name. */
export async function openPortForward(client: KubeClient, ns: string, name: string, port: number, signal?: AbortSignal): Promise<Duplex> {
  const m = await client.credentials();
  const u = client.url(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/portforward?ports=${port}`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  const headers: Record<string, string> = {};
  if (m.authorization !== '') headers.Authorization = m.authorization;
  client.requests.control++;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(u, ['v4.channel.k8s.io'], { agent: client.agent(m), headers, handshakeTimeout: 10_000 });
    const onAbort = (): void => {
      ws.terminate();
      reject(new KubeError('canceled', `context ${client.context}: port-forward to ${ns}/${name}:${port}: canceled`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('open', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(new PortForwardSocket(ws));
    });
    ws.once('unexpected-response', (_req: http.ClientRequest, res: http.IncomingMessage) => {
      signal?.removeEventListener('abort', onAbort);
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(httpError(res.statusCode ?? 0, body, `port-forward to pod ${ns}/${name}:${port}`, client.context, client.o.user)));
    });
    ws.once('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new KubeError('unreachable', `context ${client.context}: port-forward to pod ${ns}/${name}:${port}: ${e.message}`));
    });
  });
}

/** Tunnel is the reusable port-forward to one pod and port, with an HTTP agent over it. */
export class Tunnel {
  /** agent runs HTTP requests over the forwarded connection (one at a time, kept alive). */
  readonly agent: http.Agent;
  /** opened counts the forwarded connections opened (tests). */
  opened = 0;

  constructor(
    readonly client: KubeClient,
    readonly namespace: string,
    readonly pod: string,
    readonly port: number,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.agent = new (class extends http.Agent {
      createConnection(_o: unknown, cb?: (err: Error | null, s?: Duplex) => void): undefined {
        self.opened++;
        openPortForward(self.client, self.namespace, self.pod, self.port).then(
          (s) => cb?.(null, s),
          (e: Error) => cb?.(e),
        );
        return undefined;
      }
    })({ keepAlive: true, maxSockets: 1 });
  }

  /** close ends the forwarded connection. */
  close(): void {
    this.agent.destroy();
  }
}
