import { compactVerify, decodeProtectedHeader, importX509, type JWSHeaderParameters } from 'jose';
import { XapiStatementInvalidError } from '../errors.js';
import type { Statement } from './statement.js';
import { statementsMatch } from './statements-match.js';
import { validateStatement } from './validate/statement.js';

/** xAPI Data 2.6: the usageType and contentType of a statement's signature attachment. */
export const SIGNATURE_USAGE_TYPE = 'http://adlnet.gov/expapi/attachments/signature';
export const SIGNATURE_CONTENT_TYPE = 'application/octet-stream';
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/**
 * Checks a signed statement's JWS (xAPI Data 2.6): compact serialization, algorithm RS256,
 * RS384 or RS512, a payload that is the statement as it was before the signature attachment
 * was added (compared by xAPI Data 2.3.1), and, when the header carries an `x5c` certificate
 * chain, a signature that verifies with the first certificate's key. Throws
 * XapiStatementInvalidError (400) naming what is wrong.
 */
export async function checkSignature(
  statement: Statement,
  jws: string,
  path: string,
): Promise<void> {
  let header: JWSHeaderParameters;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new XapiStatementInvalidError(`${path}: the signature is not a compact JWS`);
  }
  if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) {
    throw new XapiStatementInvalidError(
      `${path}: the signature must use RS256, RS384 or RS512, not ${String(header.alg)}`,
    );
  }
  const parts = jws.trim().split('.');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new XapiStatementInvalidError(`${path}: the JWS payload is not JSON`);
  }
  let signed: Statement;
  try {
    signed = validateStatement(payload);
  } catch {
    throw new XapiStatementInvalidError(`${path}: the JWS payload is not a valid statement`);
  }
  const unsigned: Statement = {
    ...statement,
    attachments: statement.attachments?.filter(
      (attachment) => attachment.usageType !== SIGNATURE_USAGE_TYPE,
    ),
  };
  if (unsigned.attachments?.length === 0) delete unsigned.attachments;
  const comparable = signed.id === undefined ? { ...unsigned, id: undefined } : unsigned;
  if (!statementsMatch(signed, comparable)) {
    throw new XapiStatementInvalidError(`${path}: the JWS payload differs from the statement`);
  }
  const [certificate] = Array.isArray(header.x5c) ? header.x5c : [];
  if (certificate === undefined) return;
  try {
    const pem = `-----BEGIN CERTIFICATE-----\n${certificate}\n-----END CERTIFICATE-----`;
    await compactVerify(jws.trim(), await importX509(pem, header.alg));
  } catch {
    throw new XapiStatementInvalidError(
      `${path}: the signature does not verify with the key of its x5c certificate`,
    );
  }
}
