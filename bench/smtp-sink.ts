/**
 * Postfix's smtp-sink for the send benchmarks: started by hand on a free
 * loopback port (never the Postfix service), accepting everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from '../tests/helpers/net.ts';

const SINK = '/usr/sbin/smtp-sink';

/** Start smtp-sink (backlog 1024) and resolve once it accepts connections; the caller kills `process` when done. */
export async function startSmtpSink(): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  // smtp-sink drops privileges when started as root (it insists on -u then).
  const user = process.getuid?.() === 0 ? ['-u', 'postfix'] : [];
  const sink = spawn(SINK, [...user, `127.0.0.1:${port}`, '1024'], { stdio: 'ignore' });
  sink.unref(); // killed by the caller; it must not keep the bench alive
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return { port, process: sink };
    await new Promise((r) => setTimeout(r, 50));
  }
  sink.kill();
  throw new Error(`smtp-sink did not start on port ${port}`);
}
