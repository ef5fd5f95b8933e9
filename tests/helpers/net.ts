/**
 * Network helpers for tests and benchmarks.
 */
import { createServer } from 'node:net';

/** A loopback TCP port that was free a moment ago, for servers that cannot listen on port 0 themselves (dovecot, PostgreSQL, smtp-sink). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
