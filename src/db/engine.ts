/**
 * Every difference between the embedded engine (SQLite) and lab mode (PostgreSQL) lives here, as data.
 * Code elsewhere asks a capability ("how many bind parameters may one statement carry?") instead of
 * asking which engine it runs on.
 */
export type EngineName = 'sqlite' | 'postgres';

export interface EngineCapabilities {
  readonly engine: EngineName;
  /** Bind parameters one statement may carry (SQLite ≥3.32: 32766; PostgreSQL: 65535). */
  readonly maxBindParameters: number;
  /** Column types for the logical types our migrations use. */
  readonly types: {
    readonly binary: 'blob' | 'bytea';
    readonly bigint: 'integer' | 'bigint';
    readonly double: 'real' | 'double precision';
    readonly text: 'text';
  };
  /** Several processes may write at once (PostgreSQL) or one writer at a time (SQLite WAL). */
  readonly concurrentWriters: boolean;
  /** Cross-process locks are available in the engine (pg_advisory_lock). */
  readonly advisoryLocks: boolean;
}

export const SQLITE: EngineCapabilities = {
  engine: 'sqlite',
  maxBindParameters: 32_766,
  types: { binary: 'blob', bigint: 'integer', double: 'real', text: 'text' },
  concurrentWriters: false,
  advisoryLocks: false,
};

export const POSTGRES: EngineCapabilities = {
  engine: 'postgres',
  maxBindParameters: 65_535,
  types: { binary: 'bytea', bigint: 'bigint', double: 'double precision', text: 'text' },
  concurrentWriters: true,
  advisoryLocks: true,
};

/** Rows per multi-row INSERT so that rows × columns stays under the engine's bind-parameter ceiling. */
export function rowsPerStatement(caps: EngineCapabilities, columnsPerRow: number, cap = 1000): number {
  return Math.max(1, Math.min(cap, Math.floor((caps.maxBindParameters - 16) / columnsPerRow)));
}

/** Split an array into chunks that respect the engine's bind-parameter ceiling. */
export function* chunkForEngine<T>(caps: EngineCapabilities, items: readonly T[], columnsPerRow: number): Generator<T[]> {
  const size = rowsPerStatement(caps, columnsPerRow);
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
