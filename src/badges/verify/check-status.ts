import { readBit } from '../status-list.js';
import type { Check } from './verification-report.js';
import type { VerifierLookups } from './verifier-lookups.js';

/**
 * Revocation: a BitstringStatusListEntry in one of our status lists is looked up in our
 * records, one in a list read beforehand from its issuer (`remoteLists`: the `encodedList` of
 * each verified status list credential, by URL) is read there; any other status cannot be
 * checked offline and is skipped.
 */
export async function checkStatus(
  lookups: VerifierLookups,
  publicUrl: string,
  credential: Record<string, unknown>,
  remoteLists: ReadonlyMap<string, string> = new Map(),
): Promise<Check> {
  const status = credential.credentialStatus as Record<string, unknown> | undefined;
  if (!status)
    return {
      check: 'status',
      outcome: 'passed',
      reason: 'The credential has no status list: it cannot be revoked',
      reasonCode: 'statusListMissing',
    };
  const listUrl = String(status.statusListCredential ?? '');
  const prefix = `${publicUrl}/status-lists/`;
  const remoteList = remoteLists.get(listUrl);
  if (status.type === 'BitstringStatusListEntry' && remoteList !== undefined) {
    return checkRemoteStatus(remoteList, listUrl, Number(status.statusListIndex));
  }
  if (status.type !== 'BitstringStatusListEntry' || !listUrl.startsWith(prefix)) {
    const statusType = String(status.type);
    const list = listUrl || String(status.id);
    return {
      check: 'status',
      outcome: 'skipped',
      reason: `Status ${statusType} at ${list} cannot be checked offline`,
      reasonCode: 'statusNotCheckable',
      reasonValues: { statusType, list },
    };
  }
  const listId = listUrl.slice(prefix.length);
  const index = Number(status.statusListIndex);
  const record = /^[0-9a-f-]{36}$/i.test(listId)
    ? await lookups.findStatusEntry(listId, index)
    : null;
  if (!record) {
    return {
      check: 'status',
      outcome: 'failed',
      reason: `Status list entry ${listUrl}#${index} is unknown here`,
      reasonCode: 'statusEntryUnknown',
      reasonValues: { entry: `${listUrl}#${index}` },
    };
  }
  if (record.revokedAt === null) {
    return {
      check: 'status',
      outcome: 'passed',
      reason: "Not revoked (checked against the issuer's status list)",
      reasonCode: 'notRevoked',
    };
  }
  const { revokedAt, revocationReason } = record;
  return {
    check: 'status',
    outcome: 'failed',
    reasonDates: { revokedAt },
    ...(revocationReason !== null
      ? {
          reason: `Revoked on ${revokedAt}: ${revocationReason}`,
          reasonCode: 'revokedWithReason',
          reasonValues: { reason: revocationReason },
        }
      : { reason: `Revoked on ${revokedAt}`, reasonCode: 'revoked' }),
  };
}

function checkRemoteStatus(encodedList: string, listUrl: string, index: number): Check {
  let isRevoked: boolean;
  try {
    isRevoked = readBit(encodedList, index);
  } catch {
    return {
      check: 'status',
      outcome: 'failed',
      reason: `Status list entry ${listUrl}#${index} is unknown here`,
      reasonCode: 'statusEntryUnknown',
      reasonValues: { entry: `${listUrl}#${index}` },
    };
  }
  return isRevoked
    ? {
        check: 'status',
        outcome: 'failed',
        reason: "Revoked (the issuer's status list says so)",
        reasonCode: 'revokedInIssuerList',
      }
    : {
        check: 'status',
        outcome: 'passed',
        reason: "Not revoked (checked against the issuer's status list)",
        reasonCode: 'notRevoked',
      };
}
