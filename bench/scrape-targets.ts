/**
 * Child process of bench:scrape: serves N node-exporter-style targets of S series each on N
 * loopback ports (bodies and their gzip precomputed, alternating between two value sets so
 * samples change), and prints the ports as JSON on stdout.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { nodeExporterBody } from './scrape-fixtures';

const targets = Number(process.argv[2] ?? 20);
const series = Number(process.argv[3] ?? 10_000);

async function main(): Promise<void> {
  const ports: number[] = [];
  for (let i = 0; i < targets; i++) {
    const bodies = [nodeExporterBody(series, i * 2 + 1), nodeExporterBody(series, i * 2 + 2)].map((b) => ({ plain: Buffer.from(b), gz: zlib.gzipSync(b, { level: 1 }) }));
    let n = 0;
    const srv = http.createServer((req, res) => {
      const b = bodies[n++ % 2]!;
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
      res.end(gzip ? b.gz : b.plain);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    ports.push((srv.address() as AddressInfo).port);
  }
  process.stdout.write(JSON.stringify({ ports }) + '\n');
}

void main();
