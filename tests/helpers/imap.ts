/**
 * A real IMAP server for tests: Debian's dovecot-imapd with a throwaway
 * configuration in a temp folder (plaintext login on 127.0.0.1, one user from
 * a passwd-file, maildir in the temp folder), run in the foreground as a child
 * process and stopped when the test ends.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { TestContext } from 'vitest';
import { tempDir } from './tmp.ts';
import { waitFor } from './wait.ts';
import { freePort } from './net.ts';

/** A running test IMAP server. */
export interface TestImap {
  url: string;
  user: string;
  pass: string;
  port: number;
  /** A logged-in client (closed with the server). */
  client(): Promise<ImapFlow>;
}

/** The uid/gid of a system user from /etc/passwd. */
function account(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  return line ? { uid: Number(line.split(':')[2]), gid: Number(line.split(':')[3]) } : null;
}

/** Start dovecot on a free loopback port. */
export async function startImap(t: TestContext): Promise<TestImap> {
  const dir = tempDir('digest-imap-');
  const port = await freePort();
  const root = process.getuid?.() === 0;
  // As root, dovecot runs its processes as unprivileged users and refuses mail owned by root.
  const mailUser = root ? (account('dovenull') ?? account('nobody')!) : { uid: process.getuid!(), gid: process.getgid!() };
  const user = 'bounces';
  const pass = 'imap-test-pass';
  mkdirSync(join(dir, 'mail'), { recursive: true });
  if (root) {
    // mkdtemp makes the folder 0700: the unprivileged mail user must be able to reach its maildir.
    chmodSync(dir, 0o755);
    chownSync(join(dir, 'mail'), mailUser.uid, mailUser.gid);
  }
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${pass}::::::\n`);
  const me = root ? null : (process.env.USER ?? 'nobody');
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = ${Math.min(mailUser.uid, 100)}
first_valid_gid = ${Math.min(mailUser.gid, 100)}
default_internal_user = ${root ? 'dovecot' : me}
default_login_user = ${root ? 'dovenull' : me}
passdb {
  driver = passwd-file
  args = ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUser.uid} gid=${mailUser.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
  writeFileSync(join(dir, 'dovecot.conf'), conf);
  const child = spawn('/usr/sbin/dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  const clients: ImapFlow[] = [];
  t.onTestFinished(async () => {
    for (const c of clients) await c.logout().catch(() => c.close());
    const gone = new Promise((r) => child.once('exit', r));
    if (!exited) child.kill('SIGTERM');
    await gone;
  });
  const connect = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass }, logger: false });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  await waitFor(async () => {
    if (exited) throw new Error(`dovecot exited: ${output}`);
    try {
      const c = await connect();
      await c.logout();
      return true;
    } catch {
      return false;
    }
  }, 'dovecot to accept logins');
  return {
    url: `imap://${user}:${pass}@127.0.0.1:${port}/INBOX`,
    user,
    pass,
    port,
    async client() {
      const c = await connect();
      clients.push(c);
      return c;
    },
  };
}
