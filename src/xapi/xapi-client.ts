import type { LaunchGrant } from './content-launch.js';
import type { XapiCredential } from './credentials.js';

/**
 * Who is calling the LRS: a platform or tool credential (Basic key and secret from
 * `microcred xapi credentials create`), or xAPI content holding a launch token.
 */
export type XapiClient =
  | { readonly kind: 'credential'; readonly credential: XapiCredential }
  | { readonly kind: 'launch'; readonly grant: LaunchGrant };
