import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../src/config/settings.js';

describe('loadSettings', () => {
  it('runs on defaults: port 3000, PGlite under ./data, a localhost public URL', () => {
    expect(loadSettings({}, '/srv/tool')).toEqual({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      dataDir: path.resolve('/srv/tool', 'data'),
      secret: undefined,
      logLevel: 'info',
      adminToken: undefined,
    });
  });

  it('follows PORT in the default public URL and drops a trailing slash from a given one', () => {
    expect(loadSettings({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadSettings({ MICROCRED_PUBLIC_URL: 'https://tool.example/' }).publicUrl).toBe(
      'https://tool.example',
    );
  });

  it('lists every problem at once', () => {
    const load = () =>
      loadSettings({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        MICROCRED_SECRET: 'short',
        MICROCRED_LOG_LEVEL: 'loud',
        MICROCRED_PUBLIC_URL: 'ftp://tool',
        MICROCRED_ADMIN_TOKEN: 'short',
      });
    expect(load).toThrow(SettingsError);
    try {
      load();
    } catch (error) {
      expect((error as SettingsError).problems).toHaveLength(6);
    }
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadSettings({}))).toBe(true);
  });
});
