/**
 * In-process connections: a pair of connected duplex streams, and the glue that hands one end to an
 * HTTP request listener as if a client had connected to it over TCP. The fake API server uses it to
 * reach simulated kubelets, exporters and apps (proxies and port-forward) without a socket per pod.
 */
import * as http from 'node:http';
import { Duplex } from 'node:stream';

/**
 * duplexPair returns two connected streams: what is written to one is read from the other, and
 * ending or destroying one ends the other's readable side.
 */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (i: number): Duplex =>
    new Duplex({
      // As a TCP socket by default: the end of what is read ends what is written.
      allowHalfOpen: false,
      read() {},
      write(chunk: Buffer, _enc, cb) {
        ends[1 - i]!.push(chunk);
        cb();
      },
      final(cb) {
        ends[1 - i]!.push(null);
        cb();
      },
      destroy(err, cb) {
        const other = ends[1 - i]!;
        if (!other.readableEnded && !other.destroyed) other.push(null);
        cb(err);
      },
    });
  ends.push(make(0), make(1));
  return [ends[0]!, ends[1]!];
}

const servers = new WeakMap<http.RequestListener, http.Server>();

/**
 * connectInProcess returns the client end of a new connection to listener, served by a
 * non-listening http.Server (one per listener, reused), exactly as a TCP connection would be.
 */
export function connectInProcess(listener: http.RequestListener): Duplex {
  let srv = servers.get(listener);
  if (!srv) {
    srv = http.createServer(listener);
    servers.set(listener, srv);
  }
  const [client, server] = duplexPair();
  srv.emit('connection', server);
  return client;
}
