/**
 * A real PostgreSQL for tests: Debian's postgresql package, a throwaway
 * cluster (a copy of one `initdb` made once, in a temp folder, `pg_ctl` on a
 * free loopback port, trust authentication, fsync off), stopped and removed
 * after the test file. As
 * root the server runs as the `postgres` user (PostgreSQL refuses to run as
 * root). One cluster per test file; each test takes a fresh database from it
 * with `freshDatabase()`, so tests stay independent without paying initdb
 * (about a second) each.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import pg from 'pg';
import { afterFile } from './cleanup.ts';
import { tempDir } from './tmp.ts';
import { freePort } from './net.ts';

/** The folder of Debian's PostgreSQL binaries (newest installed major version). */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (!versions.length)
    throw new Error('PostgreSQL is not installed: run `npm test` (its pretest step installs it) or `apt-get install postgresql`');
  versions.sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0]!, 'bin');
}

/**
 * An initialised, never started cluster to copy, made once per PostgreSQL version and user in the
 * system's temp folder, where the `postgres` user can write (built beside and renamed into place, so test
 * files starting at once never see half of it).
 */
function templateCluster(bin: string, as: (cmd: string, args: string[]) => Buffer): string {
  const template = join(tmpdir(), `digest-pg-cluster-${basename(dirname(bin))}-${process.getuid?.() ?? 0}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const building = `${template}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { mode: 0o700 });
  if (process.getuid?.() === 0) {
    const [uid, gid] = postgresIds();
    chownSync(building, uid, gid);
  }
  as(join(bin, 'initdb'), ['-D', building, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '-N']);
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another file made it first
  }
  return template;
}

/** The uid and gid of the `postgres` user. */
function postgresIds(): [number, number] {
  const [uid, gid] = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'))!
    .split(':')
    .slice(2, 4)
    .map(Number);
  return [uid!, gid!];
}

/** A running throwaway cluster. */
export interface TestPostgres {
  /** URL of the cluster's `postgres` database (for admin statements). */
  adminUrl: string;
  port: number;
  /** The cluster's folder (its log is `log` inside it). */
  dir: string;
}

let cluster: Promise<TestPostgres> | null = null;
let databases = 0;

/** Start (once per test file) a throwaway PostgreSQL cluster. */
export function startPostgres(): Promise<TestPostgres> {
  cluster ??= boot();
  return cluster;
}

async function boot(): Promise<TestPostgres> {
  const bin = postgresBin();
  const dir = tempDir('digest-pg-');
  const data = join(dir, 'data');
  const root = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) =>
    root ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  if (root) {
    chmodSync(dir, 0o755);
    const [uid, gid] = postgresIds();
    chownSync(dir, uid, gid);
  }
  // A copy of a cluster initdb made once (cp -a keeps the owner and modes PostgreSQL checks): initdb costs
  // over a second of CPU, and every test file that uses PostgreSQL starts a cluster of its own.
  execFileSync('cp', ['-a', join(templateCluster(bin, as), '.'), data]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  as(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '120', 'start']);
  afterFile(() => {
    // Test files may share this module (unit tests run without isolation): the next file starts its own cluster.
    cluster = null;
    try {
      as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
  });
  return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dir };
}

/** A new empty database in this file's cluster; returns its URL. */
export async function freshDatabase(): Promise<string> {
  const { adminUrl, port } = await startPostgres();
  const name = `digest_${process.pid}_${++databases}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `postgres://postgres@127.0.0.1:${port}/${name}`;
}

/**
 * A new database in this file's cluster holding a copy of the one at `url`
 * (`CREATE DATABASE … TEMPLATE`: the server copies its files, nothing is
 * re-inserted), so a test file builds an issue once and each test changes its
 * own copy, as SQLite tests copy the .db file. Nobody may be connected to the
 * original while it is copied.
 */
export async function copyDatabase(url: string): Promise<string> {
  const { adminUrl, port } = await startPostgres();
  const source = new URL(url).pathname.slice(1);
  const name = `digest_${process.pid}_${++databases}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${source}`);
  } finally {
    await client.end();
  }
  return `postgres://postgres@127.0.0.1:${port}/${name}`;
}
