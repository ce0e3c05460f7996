import { AsyncLocalStorage } from 'node:async_hooks';
import type { KeyObject } from 'node:crypto';

/** What microcred established about an id_token before handing the launch to ltijs. */
export interface LaunchPrechecks {
  /**
   * The id_token's nonce, which recording the launch checks was issued by this tool with this
   * state and consumes, in the same statement (record-launch.ts).
   */
  readonly nonce: string;
  /** The key set the signing key came from, and the key, for ltijs to verify the signature with. */
  readonly jwksUrl: string;
  readonly signingKey: KeyObject;
}

/**
 * Carries the launch's prechecks into our ltijs storage plugin while ltijs validates the same
 * id_token (ltijs passes no request to its plugin), so ltijs neither fetches the platform's key
 * set again nor keeps the nonce bookkeeping the tool does more strictly.
 */
export const launchPrechecks = new AsyncLocalStorage<LaunchPrechecks>();
