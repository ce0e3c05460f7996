import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError, withWorkers } from '../../src/config/settings.js';

describe('loadSettings', () => {
  it('runs on defaults: port 3000, PGlite under ./data, a localhost public URL', () => {
    expect(loadSettings({}, '/srv/tool')).toEqual({
      port: 3000,
      host: undefined,
      publicUrl: 'http://localhost:3000',
      contentUrl: 'http://127.0.0.1:3000',
      databaseUrl: undefined,
      dataDir: path.resolve('/srv/tool', 'data'),
      secret: undefined,
      logLevel: 'info',
      adminToken: undefined,
      outgoingAllowPrivate: { hosts: [], networks: [] },
      mail: undefined,
      workers: 1,
    });
  });

  describe('the workers of one machine (MICROCRED_WORKERS, serve --workers)', () => {
    const onPostgres = { DATABASE_URL: 'postgres://db.example/microcred' };

    it('runs several processes on PostgreSQL', () => {
      expect(loadSettings({ ...onPostgres, MICROCRED_WORKERS: '4' }).workers).toBe(4);
      expect(withWorkers(loadSettings(onPostgres), '2').workers).toBe(2);
    });

    it('refuses a count that is not a whole number from 1 to 64', () => {
      for (const count of ['0', '65', '1.5', 'two', '-1']) {
        expect(() => loadSettings({ ...onPostgres, MICROCRED_WORKERS: count })).toThrow(
          `MICROCRED_WORKERS must be a whole number from 1 to 64, not "${count}"`,
        );
      }
      expect(() => withWorkers(loadSettings(onPostgres), 'all')).toThrow(
        '--workers must be a whole number from 1 to 64, not "all"',
      );
    });

    it('refuses more than one on the embedded database, which one process opens', () => {
      expect(() => loadSettings({ MICROCRED_WORKERS: '2' })).toThrow(
        'MICROCRED_WORKERS above 1 needs DATABASE_URL',
      );
      expect(() => withWorkers(loadSettings({}), '2')).toThrow(
        '--workers above 1 needs DATABASE_URL',
      );
      expect(withWorkers(loadSettings({}), '1').workers).toBe(1);
    });
  });

  describe('the SMTP server of the learner emails', () => {
    it('sends no email without MICROCRED_SMTP_HOST', () => {
      expect(loadSettings({ MICROCRED_MAIL_FROM: 'badges@uni.example' }).mail).toBeUndefined();
    });

    it('uses STARTTLS on port 587 unless told otherwise', () => {
      expect(
        loadSettings({
          MICROCRED_SMTP_HOST: 'smtp.uni.example',
          MICROCRED_MAIL_FROM: 'badges@uni.example',
        }).mail,
      ).toEqual({
        host: 'smtp.uni.example',
        port: 587,
        tls: 'starttls',
        user: undefined,
        password: undefined,
        from: 'badges@uni.example',
      });
    });

    it('takes the port that goes with the TLS mode, or the one given, and the credentials', () => {
      const mail = (env: Record<string, string>) =>
        loadSettings({
          MICROCRED_SMTP_HOST: '10.0.0.25',
          MICROCRED_MAIL_FROM: 'Microcred <badges@uni.example>',
          ...env,
        }).mail;
      expect(mail({ MICROCRED_SMTP_TLS: 'tls' })?.port).toBe(465);
      expect(mail({ MICROCRED_SMTP_TLS: 'none' })?.port).toBe(25);
      expect(
        mail({
          MICROCRED_SMTP_PORT: '2525',
          MICROCRED_SMTP_USER: 'u',
          MICROCRED_SMTP_PASSWORD: 'p',
        }),
      ).toMatchObject({
        port: 2525,
        user: 'u',
        password: 'p',
        from: 'Microcred <badges@uni.example>',
      });
    });

    it('names every problem: mode, port, half the credentials, no sender', () => {
      try {
        loadSettings({
          MICROCRED_SMTP_HOST: 'smtp.uni.example',
          MICROCRED_SMTP_TLS: 'ssl',
          MICROCRED_SMTP_PORT: '99999',
          MICROCRED_SMTP_USER: 'u',
        });
        expect.unreachable('the settings load');
      } catch (error) {
        expect((error as SettingsError).problems).toEqual([
          'MICROCRED_SMTP_TLS must be one of starttls, tls, none, not "ssl"',
          'MICROCRED_SMTP_PORT must be a whole number from 1 to 65535, not "99999"',
          'MICROCRED_SMTP_USER and MICROCRED_SMTP_PASSWORD are set together or not at all',
          'MICROCRED_MAIL_FROM must name the sender (an address or "Name <address>") when MICROCRED_SMTP_HOST is set',
        ]);
      }
    });
  });

  it('listens on the HOST address when given: an IP address or a host name', () => {
    expect(loadSettings({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(loadSettings({ HOST: '::' }).host).toBe('::');
    expect(loadSettings({ HOST: 'localhost' }).host).toBe('localhost');
    expect(loadSettings({ HOST: ' ' }).host).toBeUndefined();
  });

  it.each(['http://127.0.0.1', '127.0.0.1:3000', 'bad_host', '-x.example'])(
    'refuses HOST=%s',
    (host) => {
      expect(() => loadSettings({ HOST: host })).toThrow(
        /HOST must be an IP address or a host name/,
      );
    },
  );

  it('reads the private addresses outgoing requests may reach: host names, addresses and CIDR ranges', () => {
    expect(
      loadSettings({
        MICROCRED_OUTGOING_ALLOW_PRIVATE:
          ' Moodle.Internal , 127.0.0.0/8,[::1], 10.1.2.3,fd00::/8 ',
      }).outgoingAllowPrivate,
    ).toEqual({
      hosts: ['moodle.internal'],
      networks: [
        { address: '127.0.0.0', prefixLength: 8, family: 'ipv4' },
        { address: '::1', prefixLength: 128, family: 'ipv6' },
        { address: '10.1.2.3', prefixLength: 32, family: 'ipv4' },
        { address: 'fd00::', prefixLength: 8, family: 'ipv6' },
      ],
    });
  });

  it('names every entry of the private allow list it cannot read', () => {
    try {
      loadSettings({
        MICROCRED_OUTGOING_ALLOW_PRIVATE:
          '127.1,10.0.0.0/33,::1/129,http://lms,10.0.0.0/8/8,good.example',
      });
      expect.unreachable();
    } catch (error) {
      const { problems } = error as SettingsError;
      expect(problems).toHaveLength(5);
      for (const entry of ['127.1', '10.0.0.0/33', '::1/129', 'http://lms', '10.0.0.0/8/8']) {
        expect(problems.some((problem) => problem.includes(`"${entry}"`))).toBe(true);
      }
    }
  });

  it('follows PORT in the default public URL and drops a trailing slash from a given one', () => {
    expect(loadSettings({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadSettings({ MICROCRED_PUBLIC_URL: 'https://tool.example/' }).publicUrl).toBe(
      'https://tool.example',
    );
  });

  it('serves H5P content on a host of its own: MICROCRED_CONTENT_URL, or the other loopback name', () => {
    expect(
      loadSettings({
        MICROCRED_PUBLIC_URL: 'https://tool.example',
        MICROCRED_CONTENT_URL: 'https://content.tool.example/',
      }).contentUrl,
    ).toBe('https://content.tool.example');
    expect(loadSettings({ MICROCRED_PUBLIC_URL: 'http://127.0.0.1:8080' }).contentUrl).toBe(
      'http://localhost:8080',
    );
    expect(loadSettings({ MICROCRED_PUBLIC_URL: 'https://tool.example' }).contentUrl).toBe(
      undefined,
    );
  });

  it('refuses a content URL on the tool’s own host', () => {
    expect(() =>
      loadSettings({
        MICROCRED_PUBLIC_URL: 'https://tool.example',
        MICROCRED_CONTENT_URL: 'https://tool.example/content',
      }),
    ).toThrow('MICROCRED_CONTENT_URL must name another host than MICROCRED_PUBLIC_URL');
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
        HOST: 'a host',
        MICROCRED_OUTGOING_ALLOW_PRIVATE: '10.0.0.0/99',
      });
    expect(load).toThrow(SettingsError);
    try {
      load();
    } catch (error) {
      expect((error as SettingsError).problems).toHaveLength(8);
    }
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadSettings({}))).toBe(true);
  });
});
