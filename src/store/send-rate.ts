/**
 * The send rate shared by every sender of a PostgreSQL installation
 * (`delivery.smtp.ratePerSecond`/`ratePerHour` hold for all `digest worker`s
 * together, not per worker). The same sliding windows as the one-process
 * limiter (src/deliver/rate.ts), kept in the database: per limit a ring of
 * its last `limit` reservation times (`digest_rate_slot`, one row per
 * position) and a head row (`digest_rate_limit`: how many reservations so
 * far, the latest time). Reservation n gets the time
 * max(now, time of n−1, time of n−limit + window), so no window of that
 * length ever holds more than `limit`. One call reserves a chunk of slots for
 * all limits at once in one round trip; `digest_rate_reserve` locks the head
 * rows first, so concurrent workers queue behind each other and each gets the
 * next free times.
 *
 * Times are milliseconds on the database's clock (`clock_timestamp()`), so
 * workers on machines whose clocks differ still agree; `now` may be given
 * instead (tests' virtual clocks). A limit is named by its size and window
 * (`1000ms:10`), so changing a limit in the configuration starts a new ring.
 *
 * The tables and the function are created here, idempotently, under a
 * transaction-scoped advisory lock (several processes start at once), on an
 * async pool of its own: this was written before the PostgreSQL store had
 * migrations. They belong in the store's PostgreSQL migrations (pg-schema.ts),
 * and the reservation — one statement — could then run on the store's driver.
 */
import pg from 'pg';

/** One limit: at most `limit` messages in any `windowMs`. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/** A chunk of reserved send times, as waits from the moment the database answered. */
export type ReservedWaits = number[];

/** The shared rate in PostgreSQL. */
export interface SendRateRepository {
  /** Reserve the next `count` send times under every rule at once; resolves to the wait (ms) before each. */
  reserve(rules: RateRule[], count: number, nowMs?: number): Promise<ReservedWaits>;
  /** Round trips to the database so far (for the scale benchmark). */
  readonly roundTrips: number;
  close(): Promise<void>;
}

const SETUP_LOCK = 'digest_send_rate';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS digest_rate_limit (
    name text PRIMARY KEY,
    size integer NOT NULL,
    window_ms double precision NOT NULL,
    seq bigint NOT NULL DEFAULT 0,
    last_ms double precision NOT NULL DEFAULT '-infinity'
  );
  CREATE TABLE IF NOT EXISTS digest_rate_slot (
    name text NOT NULL,
    pos integer NOT NULL,
    at_ms double precision NOT NULL,
    PRIMARY KEY (name, pos)
  );
  -- A volatile plpgsql function takes a new snapshot per statement: the slots
  -- are read after the head rows are locked, so never a stale ring.
  CREATE OR REPLACE FUNCTION digest_rate_reserve(p_names text[], p_sizes integer[], p_windows double precision[], p_count integer, p_now double precision)
  RETURNS TABLE (at_ms double precision, now_ms double precision) LANGUAGE plpgsql AS $fn$
  DECLARE
    v_now double precision := coalesce(p_now, extract(epoch FROM clock_timestamp()) * 1000);
  BEGIN
    INSERT INTO digest_rate_limit (name, size, window_ms)
      SELECT * FROM unnest(p_names, p_sizes, p_windows) ON CONFLICT (name) DO NOTHING;
    PERFORM 1 FROM digest_rate_limit l WHERE l.name = ANY (p_names) ORDER BY l.name FOR UPDATE;
    RETURN QUERY
    WITH heads AS (SELECT l.name, l.size, l.window_ms, l.seq, l.last_ms FROM digest_rate_limit l WHERE l.name = ANY (p_names)),
    idx AS (SELECT generate_series(1, p_count) AS i),
    need AS (
      -- Reservation seq+i-1 replaces seq+i-1-size in the ring: it may come no sooner than a window after it.
      SELECT idx.i, max(coalesce(s.at_ms + h.window_ms, '-infinity')) AS earliest
      FROM idx CROSS JOIN heads h
      LEFT JOIN digest_rate_slot s ON s.name = h.name AND s.pos = ((h.seq + idx.i - 1) % h.size)::integer
      GROUP BY idx.i
    ),
    times AS (
      SELECT need.i, greatest(v_now, (SELECT max(h.last_ms) FROM heads h), max(need.earliest) OVER (ORDER BY need.i)) AS t
      FROM need
    ),
    written AS (
      INSERT INTO digest_rate_slot (name, pos, at_ms)
      SELECT h.name, ((h.seq + t.i - 1) % h.size)::integer, t.t FROM heads h CROSS JOIN times t
      ON CONFLICT (name, pos) DO UPDATE SET at_ms = excluded.at_ms
    ),
    bumped AS (
      UPDATE digest_rate_limit l SET seq = l.seq + p_count, last_ms = (SELECT max(t.t) FROM times t) WHERE l.name = ANY (p_names)
    )
    SELECT t.t, v_now FROM times t ORDER BY t.i;
  END
  $fn$;
`;

/** Open the shared rate on the PostgreSQL database at `url` (creating its tables if needed). */
export async function openSendRate(url: string): Promise<SendRateRepository> {
  // Two connections: a reservation is one short statement; a second lets two senders of one process overlap.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // An idle connection dropped by a database restart must not crash the process; the next reservation reports it.
  pool.on('error', () => {});
  let roundTrips = 0;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SETUP_LOCK]);
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return {
    get roundTrips() {
      return roundTrips;
    },
    async reserve(rules, count, nowMs) {
      const active = rules.filter((r) => r.limit >= 1 && r.windowMs > 0).map((r) => ({ limit: Math.floor(r.limit), windowMs: r.windowMs }));
      if (!active.length) return Array.from({ length: count }, () => 0);
      // A chunk never exceeds the smallest ring: two of its reservations must not share a position.
      const n = Math.max(1, Math.min(count, ...active.map((r) => r.limit)));
      roundTrips++;
      const { rows } = await pool.query<{ at_ms: number; now_ms: number }>(
        'SELECT at_ms, now_ms FROM digest_rate_reserve($1::text[], $2::integer[], $3::double precision[], $4::integer, $5::double precision)',
        [active.map((r) => `${r.windowMs}ms:${r.limit}`), active.map((r) => r.limit), active.map((r) => r.windowMs), n, nowMs ?? null],
      );
      return rows.map((r) => Math.max(0, Number(r.at_ms) - Number(r.now_ms)));
    },
    close: () => pool.end(),
  };
}
