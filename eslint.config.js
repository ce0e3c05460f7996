import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first (README, "How it is built"). A file imports its own folder
 * and lower layers, never a higher one; the domain folders of one layer never import each
 * other, while the neutral folders of a layer serve them all.
 */
const LAYERS = [
  { folders: ['config'], neutral: ['shared'], files: ['src/errors.ts', 'src/error-codes.ts'] },
  { folders: ['db'] },
  { folders: ['lti', 'xapi', 'badges'], neutral: ['jobs', 'outgoing'] },
  { folders: ['awards', 'elm', 'wallets', 'recognition'] },
  { folders: ['web'] },
  { folders: ['cli', 'demo'], files: ['src/app.ts', 'src/main.ts'] },
];

/** A relative import of a top-level folder of src/ (no folder nests one of the same name). */
const folderImport = (folder) => `^(\\.\\.?/)+${folder}/`;

const higherThan = (index) =>
  LAYERS.slice(index + 1).flatMap((layer) => [
    ...[...layer.folders, ...(layer.neutral ?? [])].map((folder) => ({
      regex: folderImport(folder),
      message: `${folder}/ is in a higher layer; lower layers never import it.`,
    })),
    ...(layer.files ?? []).map((file) => ({
      regex: `^(\\.\\.?/)+${file.slice('src/'.length, -'.ts'.length)}\\.js$`,
      message: `${file} is in a higher layer; lower layers never import it.`,
    })),
  ]);

const siblings = (folders, folder) =>
  folders
    .filter((other) => other !== folder)
    .map((other) => ({
      regex: folderImport(other),
      message: `${folder}/ and ${other}/ are in one layer and never import each other.`,
    }));

const WEB_NEVER_QUERIES = {
  regex: '(^|/)db/schema(\\.js)?$',
  message: 'web/ never queries tables: call a named function of the module that owns them.',
};

/** Domain code that takes and returns plain data. */
const PURE_FILES = [
  'src/awards/rules/**',
  'src/badges/build-credential.ts',
  'src/recognition/credential-facts.ts',
  'src/recognition/decide-recognition.ts',
  'src/xapi/validate/**',
];
const PURE_IMPORTS = [
  { regex: folderImport('db'), message: 'Pure domain code takes plain data, never the database.' },
  {
    regex:
      '^(express|ltijs|multer|cookie|jsonld|jose|rdf-canonize|drizzle-orm|pg|@electric-sql/pglite|@digitalbazaar/.+|(node:)?crypto)$',
    message: 'Pure domain code uses no HTTP, database, LTI, JSON-LD or crypto library.',
  },
];

function layerZones() {
  const zones = new Map();
  LAYERS.forEach((layer, index) => {
    const above = higherThan(index);
    for (const folder of layer.folders) {
      const patterns = [...above, ...siblings(layer.folders, folder)];
      if (folder === 'web') patterns.push(WEB_NEVER_QUERIES);
      zones.set(`src/${folder}/**`, patterns);
    }
    for (const folder of layer.neutral ?? []) {
      zones.set(`src/${folder}/**`, [...above, ...siblings(layer.folders, folder)]);
    }
    for (const file of layer.files ?? []) if (above.length > 0) zones.set(file, above);
  });
  // A later block replaces a rule's options, so pure files repeat their folder's zone.
  for (const pure of PURE_FILES) {
    const folder = pure.split('/')[1];
    zones.set(pure, [...zones.get(`src/${folder}/**`), ...PURE_IMPORTS]);
  }
  return [...zones].map(([files, patterns]) => ({
    files: [files],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  }));
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'drizzle/',
      'test-output/',
      'test/lint/fixtures/',
      // third-party H5P libraries under test, kept as published
      'test/browser/fixtures/h5p/libraries/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config.' },
      ],
    },
  },
  {
    files: ['src/config/**', 'test/**', 'bench/**', 'vitest.config.ts', 'drizzle.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  ...layerZones(),
);
