import { describe, expect, it } from 'vitest';
import {
  extractCredential,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
} from '../../../src/badges/verify/extract-credential.js';

const CREDENTIAL = { '@context': ['https://www.w3.org/ns/credentials/v2'], id: 'urn:uuid:1' };
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('extractCredential', () => {
  describe('nestsDeeperThan', () => {
    it('stops at the first level too deep without reading on', () => {
      expect(nestsDeeperThan(`${'['.repeat(4)} and never valid JSON {"`, 3)).toBe(true);
    });

    it('counts only brackets outside strings, escaped quotes included', () => {
      expect(nestsDeeperThan('{"a":"[[[[\\"[[[["}', 1)).toBe(false);
      expect(nestsDeeperThan('{"a":[{"b":[]}]}', 3)).toBe(true);
      expect(nestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    });
  });

  it('refuses JSON nested deeper than any credential before parsing it', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const extracted = extractCredential(Buffer.from(deep));
    expect(extracted).toMatchObject({
      format: 'json',
      error: { reasonCode: 'jsonTooDeep', reasonValues: { limit: String(MAX_JSON_DEPTH) } },
    });
  });

  it('refuses a JWT whose payload nests too deep', () => {
    let payload: unknown = 1;
    for (let level = 0; level <= MAX_JSON_DEPTH; level += 1) payload = { vc: payload };
    const jwt = `${base64url({ alg: 'EdDSA' })}.${base64url(payload)}.c2ln`;
    expect(extractCredential(jwt)).toMatchObject({
      format: 'jwt',
      error: { reasonCode: 'jsonTooDeep' },
    });
  });

  it('opens { "credential": ... } once, as API clients send it', () => {
    const once = extractCredential(JSON.stringify({ credential: CREDENTIAL }));
    expect(once).toMatchObject({ format: 'json', credential: CREDENTIAL, jwt: null });
    const twice = extractCredential(JSON.stringify({ credential: { credential: CREDENTIAL } }));
    expect(twice).toMatchObject({ credential: { credential: CREDENTIAL } });
  });

  it('reads a JSON credential that mentions <svg> as JSON', () => {
    const credential = { ...CREDENTIAL, description: 'Draws <svg> images' };
    expect(extractCredential(JSON.stringify(credential))).toMatchObject({
      format: 'json',
      credential,
    });
  });
});
