import type { TestStorage } from './test-database.js';

/**
 * The settings `microcred` reads from the environment to run against `storage`, as the tool
 * at https://tool.example (the URLs the commands print start with it); an empty DATABASE_URL
 * means PGlite in the data folder.
 */
export function cliEnvironment(storage: TestStorage) {
  return {
    DATABASE_URL: storage.databaseUrl ?? '',
    MICROCRED_DATA_DIR: storage.dataDir,
    MICROCRED_PUBLIC_URL: 'https://tool.example',
  };
}

/** The options of `microcred platform add` registering a Moodle at https://moodle.example. */
export function moodlePlatformOptions(deploymentId: string): string[] {
  return [
    '--issuer',
    'https://moodle.example',
    '--client-id',
    'abc',
    '--deployment-id',
    deploymentId,
    '--auth-url',
    'https://moodle.example/mod/lti/auth.php',
    '--token-url',
    'https://moodle.example/mod/lti/token.php',
    '--jwks-url',
    'https://moodle.example/mod/lti/certs.php',
  ];
}
