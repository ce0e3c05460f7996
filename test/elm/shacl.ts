import { readFileSync } from 'node:fs';
import path from 'node:path';
import rdf from '@zazuko/env-node';
import jsonld from 'jsonld';
import { Parser } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { elmDocumentLoader } from './elm-document-loader.js';

/** Copies of the ELM / EDC data files of ../shared/spec/elm (fixtures/README.md). */
export const ELM_SPEC = path.join(import.meta.dirname, 'fixtures');

/** One SHACL result, with IRIs shortened to the prefixes the EDC shapes use. */
export type ShaclViolation = {
  focusNode: string;
  path: string | null;
  constraint: string;
  shape: string;
  message: string;
  /** The results behind an `sh:node` violation, such as what the issuer node shape found. */
  detail: ShaclViolation[];
};

const PREFIXES: readonly [string, string][] = [
  ['https://www.w3.org/2018/credentials#', 'cred:'],
  ['http://data.europa.eu/snb/model/elm/', 'elm:'],
  ['http://www.w3.org/ns/shacl#', 'sh:'],
  ['http://data.europa.eu/snb/model/ap/edc-generic-no-cv/', 'edc:'],
  ['http://data.europa.eu/snb/model/ap/edc-generic-full/', 'edc-full:'],
  ['http://purl.org/dc/terms/', 'dc:'],
  ['http://www.w3.org/2004/02/skos/core#', 'skos:'],
];
const short = (iri: string) => {
  for (const [long, prefix] of PREFIXES)
    if (iri.startsWith(long)) return prefix + iri.slice(long.length);
  return iri;
};

type ValidationResult = Awaited<ReturnType<SHACLValidator['validate']>>['results'][number];

let validator: SHACLValidator | undefined;

const NO_CV_SHAPES = 'http://data.europa.eu/snb/model/ap/edc-generic-no-cv';

function readTurtle(file: string) {
  const text = readFileSync(path.join(ELM_SPEC, 'shacl', file), 'utf8');
  return rdf.dataset(new Parser({ format: 'text/turtle' }).parse(text));
}

/**
 * The EDC application profile shapes the generic-full `credentialSchema` names: the
 * controlled-vocabulary file, and the no-cv file it `owl:imports`, parsed with n3 once.
 */
function edcValidator(): SHACLValidator {
  validator ??= new SHACLValidator(readTurtle('EDC-generic-full.ttl'), {
    factory: rdf,
    importGraph: (url) => {
      if (url.value !== NO_CV_SHAPES) throw new Error(`No bundled shapes for ${url.value}`);
      return readTurtle('EDC-generic-no-cv.ttl');
    },
  });
  return validator;
}

/**
 * Expands a JSON-LD document offline (the bundled VC 1.1 and edc-ap contexts only), in safe
 * mode so a term the contexts do not define fails instead of being dropped, and validates its
 * RDF against the EDC generic-full shapes. Returns every result.
 */
export async function validateElm(document: unknown): Promise<ShaclViolation[]> {
  const nquads = (await jsonld.toRDF(document, {
    documentLoader: elmDocumentLoader,
    format: 'application/n-quads',
    safe: true,
  })) as unknown as string;
  const data = rdf.dataset(new Parser({ format: 'application/n-quads' }).parse(nquads));
  const report = await edcValidator().validate(data);
  return report.results.map(describe);
}

function describe(result: ValidationResult): ShaclViolation {
  return {
    focusNode: result.focusNode?.value ?? '',
    path: result.path ? short(result.path.value) : null,
    constraint: short(result.sourceConstraintComponent?.value ?? ''),
    shape: short(result.sourceShape?.value ?? ''),
    message: result.message.map((literal) => literal.value).join(' '),
    detail: result.detail.map(describe),
  };
}
