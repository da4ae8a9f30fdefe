import type { Document } from 'bson';
import { commandError } from '../errors.js';

/** Parameters that never change (reported by getParameter, refused by setParameter). */
const FIXED: Document = {
  featureCompatibilityVersion: { version: '8.0' },
  authenticationMechanisms: [],
  enableTestCommands: 1,
  requireApiVersion: false,
};

/**
 * The server's runtime parameters (`getParameter` / `setParameter`). Settable:
 * `transactionLifetimeLimitSeconds` (default 60, at least 1): an open transaction older than this
 * is aborted, as mongod's periodic job does.
 *
 * @example
 * await client.db('admin').command({ setParameter: 1, transactionLifetimeLimitSeconds: 5 }); // { was: 60 }
 */
export class ServerParameters {
  transactionLifetimeLimitSeconds = 60;

  /** Every parameter, as `getParameter: '*'` reports them. */
  all(): Document {
    return { ...FIXED, transactionLifetimeLimitSeconds: this.transactionLifetimeLimitSeconds };
  }

  /** Sets one parameter and returns its previous value. */
  set(name: string, value: unknown): unknown {
    if (name !== 'transactionLifetimeLimitSeconds') {
      if (name in FIXED) throw commandError('IllegalOperation', `Server parameter ${name} cannot be set at runtime`);
      throw commandError(
        'InvalidOptions',
        `attempted to set unrecognized parameter [${name}], use help:true to see options `,
      );
    }
    const n = typeof value === 'number' ? value : Number((value as { valueOf(): unknown })?.valueOf?.());
    if (!Number.isInteger(n)) throw commandError('BadValue', `Invalid value for parameter ${name}: ${String(value)}`);
    if (n < 1)
      throw commandError('BadValue', `Invalid value for parameter ${name}: ${n} is not greater than or equal to 1`);
    const was = this.transactionLifetimeLimitSeconds;
    this.transactionLifetimeLimitSeconds = n;
    return was;
  }
}
