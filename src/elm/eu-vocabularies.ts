import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/project-root.js';
import {
  SUPERVISION_LEVELS,
  SUPERVISION_SCHEME_URI,
  type SupervisionLevel,
} from '../badges/eu-elements.js';

/**
 * The EU controlled vocabularies of the ELM export as ELM `Concept` nodes: the code lists bundled
 * in `vocabularies/cv-labels.json` (see its README), and the few concepts of lists that are not
 * bundled written the way the Commission's unsigned Annex I sample writes them.
 */

/** An ELM / SKOS concept, as JSON-LD in the edc-ap context. */
export type ElmConcept = {
  id: string;
  type: 'Concept';
  inScheme: { id: string; type: 'ConceptScheme' };
  notation?: string;
  prefLabel?: Record<string, string>;
};

type CodeList = { scheme: string; concepts: Record<string, string> };
type CodeLists = Record<string, CodeList>;

let codeLists: CodeLists | undefined;

function list(name: string): CodeList {
  codeLists ??= JSON.parse(
    readFileSync(path.join(projectRoot, 'src', 'elm', 'vocabularies', 'cv-labels.json'), 'utf8'),
  ) as CodeLists;
  const found = codeLists[name];
  if (!found) throw new Error(`No bundled code list ${name}`);
  return found;
}

/** A concept of a bundled list by URI, with its English label; undefined when not in it. */
function listed(listName: string, uri: string, notation?: string): ElmConcept | undefined {
  const { scheme, concepts } = list(listName);
  const label = concepts[uri];
  if (label === undefined) return undefined;
  return concept(uri, scheme, label.replace(/\s+/g, ' ').trim(), notation);
}

function concept(id: string, scheme: string, label?: string, notation?: string): ElmConcept {
  return {
    id,
    type: 'Concept',
    inScheme: { id: scheme, type: 'ConceptScheme' },
    ...(notation === undefined ? {} : { notation }),
    ...(label === undefined ? {} : { prefLabel: { en: label } }),
  };
}

/** The EDC credential profile "Generic" (EDC credential types), as the Annex I sample uses. */
export function genericCredentialProfile(): ElmConcept {
  return listed('europass-credential-types', 'http://data.europa.eu/snb/credential/e34929035b')!;
}

export const EQF_SCHEME = 'http://data.europa.eu/snb/eqf/25831c2';

/** An EQF level (1–8) in the EU EQF vocabulary. */
export function eqfConcept(level: number): ElmConcept {
  const found = listed('eqf', `http://data.europa.eu/snb/eqf/${level}`);
  if (!found) throw new TypeError(`EQF level must be from 1 to 8, not ${level}`);
  return found;
}

/** The European Credit Transfer and Accumulation System in the EU credit-points vocabulary. */
export function ectsConcept(): ElmConcept {
  return listed('credit-points', 'http://data.europa.eu/snb/education-credit/6fcec5c5af')!;
}

/** A Europass learning assessment type (eu-elements.ts ASSESSMENT_TYPES). */
export function assessmentTypeConcept(uri: string): ElmConcept | undefined {
  return listed('europass-learning-assessment-types', uri);
}

/** A Europass mode of learning and assessment (eu-elements.ts PARTICIPATION_FORMS). */
export function modeConcept(uri: string): ElmConcept | undefined {
  return listed('europass-modes', uri);
}

/**
 * The ISCED-F 2013 field of a free-text field of study: by a code in it ("0712", "Environmental
 * protection technology (ISCED-F 0712)") or by its exact English label.
 */
export function iscedFConcept(fieldOfStudy: string): ElmConcept | undefined {
  for (const [code] of fieldOfStudy.matchAll(/(?<!\d)\d{2,4}(?!\d)/g)) {
    const found = listed('isced-f', `http://data.europa.eu/snb/isced-f/${code}`);
    if (found) return found;
  }
  const wanted = fieldOfStudy.replace(/\s+/g, ' ').trim().toLowerCase();
  const { concepts } = list('isced-f');
  const uri = Object.keys(concepts).find(
    (candidate) => concepts[candidate]!.replace(/\s+/g, ' ').trim().toLowerCase() === wanted,
  );
  return uri === undefined ? undefined : listed('isced-f', uri);
}

const COUNTRY_SCHEME = 'http://publications.europa.eu/resource/authority/country';

/**
 * ISO 3166-1 alpha-2 codes (as issuer profiles store them) to the codes of the EU country
 * authority table, which uses alpha-3 codes except for Kosovo (`1A0`) and the French Southern
 * and Antarctic Lands (`FQ0`); `EU` is the European Union. Every value is in the bundled list.
 */
// prettier-ignore
const EU_COUNTRY_CODES: Readonly<Record<string, string>> = {
  AD: 'AND', AE: 'ARE', AF: 'AFG', AG: 'ATG', AI: 'AIA', AL: 'ALB', AM: 'ARM', AO: 'AGO',
  AQ: 'ATA', AR: 'ARG', AS: 'ASM', AT: 'AUT', AU: 'AUS', AW: 'ABW', AX: 'ALA', AZ: 'AZE',
  BA: 'BIH', BB: 'BRB', BD: 'BGD', BE: 'BEL', BF: 'BFA', BG: 'BGR', BH: 'BHR', BI: 'BDI',
  BJ: 'BEN', BL: 'BLM', BM: 'BMU', BN: 'BRN', BO: 'BOL', BQ: 'BES', BR: 'BRA', BS: 'BHS',
  BT: 'BTN', BV: 'BVT', BW: 'BWA', BY: 'BLR', BZ: 'BLZ', CA: 'CAN', CC: 'CCK', CD: 'COD',
  CF: 'CAF', CG: 'COG', CH: 'CHE', CI: 'CIV', CK: 'COK', CL: 'CHL', CM: 'CMR', CN: 'CHN',
  CO: 'COL', CP: 'CPT', CR: 'CRI', CU: 'CUB', CV: 'CPV', CW: 'CUW', CX: 'CXR', CY: 'CYP',
  CZ: 'CZE', DE: 'DEU', DJ: 'DJI', DK: 'DNK', DM: 'DMA', DO: 'DOM', DZ: 'DZA', EC: 'ECU',
  EE: 'EST', EG: 'EGY', EH: 'ESH', ER: 'ERI', ES: 'ESP', ET: 'ETH', EU: 'EUR', FI: 'FIN',
  FJ: 'FJI', FK: 'FLK', FM: 'FSM', FO: 'FRO', FR: 'FRA', GA: 'GAB', GB: 'GBR', GD: 'GRD',
  GE: 'GEO', GF: 'GUF', GG: 'GGY', GH: 'GHA', GI: 'GIB', GL: 'GRL', GM: 'GMB', GN: 'GIN',
  GP: 'GLP', GQ: 'GNQ', GR: 'GRC', GS: 'SGS', GT: 'GTM', GU: 'GUM', GW: 'GNB', GY: 'GUY',
  HK: 'HKG', HM: 'HMD', HN: 'HND', HR: 'HRV', HT: 'HTI', HU: 'HUN', ID: 'IDN', IE: 'IRL',
  IL: 'ISR', IM: 'IMN', IN: 'IND', IO: 'IOT', IQ: 'IRQ', IR: 'IRN', IS: 'ISL', IT: 'ITA',
  JE: 'JEY', JM: 'JAM', JO: 'JOR', JP: 'JPN', KE: 'KEN', KG: 'KGZ', KH: 'KHM', KI: 'KIR',
  KM: 'COM', KN: 'KNA', KP: 'PRK', KR: 'KOR', KW: 'KWT', KY: 'CYM', KZ: 'KAZ', LA: 'LAO',
  LB: 'LBN', LC: 'LCA', LI: 'LIE', LK: 'LKA', LR: 'LBR', LS: 'LSO', LT: 'LTU', LU: 'LUX',
  LV: 'LVA', LY: 'LBY', MA: 'MAR', MC: 'MCO', MD: 'MDA', ME: 'MNE', MF: 'MAF', MG: 'MDG',
  MH: 'MHL', MK: 'MKD', ML: 'MLI', MM: 'MMR', MN: 'MNG', MO: 'MAC', MP: 'MNP', MQ: 'MTQ',
  MR: 'MRT', MS: 'MSR', MT: 'MLT', MU: 'MUS', MV: 'MDV', MW: 'MWI', MX: 'MEX', MY: 'MYS',
  MZ: 'MOZ', NA: 'NAM', NC: 'NCL', NE: 'NER', NF: 'NFK', NG: 'NGA', NI: 'NIC', NL: 'NLD',
  NO: 'NOR', NP: 'NPL', NR: 'NRU', NU: 'NIU', NZ: 'NZL', OM: 'OMN', PA: 'PAN', PE: 'PER',
  PF: 'PYF', PG: 'PNG', PH: 'PHL', PK: 'PAK', PL: 'POL', PM: 'SPM', PN: 'PCN', PR: 'PRI',
  PS: 'PSE', PT: 'PRT', PW: 'PLW', PY: 'PRY', QA: 'QAT', RE: 'REU', RO: 'ROU', RS: 'SRB',
  RU: 'RUS', RW: 'RWA', SA: 'SAU', SB: 'SLB', SC: 'SYC', SD: 'SDN', SE: 'SWE', SG: 'SGP',
  SH: 'SHN', SI: 'SVN', SJ: 'SJM', SK: 'SVK', SL: 'SLE', SM: 'SMR', SN: 'SEN', SO: 'SOM',
  SR: 'SUR', SS: 'SSD', ST: 'STP', SV: 'SLV', SX: 'SXM', SY: 'SYR', SZ: 'SWZ', TC: 'TCA',
  TD: 'TCD', TF: 'FQ0', TG: 'TGO', TH: 'THA', TJ: 'TJK', TK: 'TKL', TL: 'TLS', TM: 'TKM',
  TN: 'TUN', TO: 'TON', TR: 'TUR', TT: 'TTO', TV: 'TUV', TW: 'TWN', TZ: 'TZA', UA: 'UKR',
  UG: 'UGA', UM: 'UMI', US: 'USA', UY: 'URY', UZ: 'UZB', VA: 'VAT', VC: 'VCT', VE: 'VEN',
  VG: 'VGB', VI: 'VIR', VN: 'VNM', VU: 'VUT', WF: 'WLF', WS: 'WSM', XK: '1A0', YE: 'YEM',
  YT: 'MYT', ZA: 'ZAF', ZM: 'ZMB', ZW: 'ZWE',
};

/** A country by its ISO 3166-1 alpha-2 code in the EU country vocabulary, as the sample writes it. */
export function countryConcept(alpha2: string): ElmConcept | undefined {
  const code = EU_COUNTRY_CODES[alpha2.toUpperCase()];
  return code === undefined ? undefined : listed('country', `${COUNTRY_SCHEME}/${code}`, 'country');
}

/** Every alpha-2 code countryConcept knows, for tests. */
export const KNOWN_COUNTRY_CODES: readonly string[] = Object.keys(EU_COUNTRY_CODES);

const LANGUAGE_SCHEME = 'http://publications.europa.eu/resource/authority/language';

/**
 * ISO 639-1 codes to the codes of the EU language authority table (ISO 639-3 letters, upper
 * case): the EU official languages, then other languages of Europe and the most spoken ones.
 */
// prettier-ignore
const EU_LANGUAGE_CODES: Readonly<Record<string, string>> = {
  bg: 'BUL', cs: 'CES', da: 'DAN', de: 'DEU', el: 'ELL', en: 'ENG', es: 'SPA', et: 'EST',
  fi: 'FIN', fr: 'FRA', ga: 'GLE', hr: 'HRV', hu: 'HUN', it: 'ITA', lt: 'LIT', lv: 'LAV',
  mt: 'MLT', nl: 'NLD', pl: 'POL', pt: 'POR', ro: 'RON', sk: 'SLK', sl: 'SLV', sv: 'SWE',
  is: 'ISL', no: 'NOR', nb: 'NOB', nn: 'NNO', tr: 'TUR', uk: 'UKR', ru: 'RUS', sr: 'SRP',
  bs: 'BOS', sq: 'SQI', mk: 'MKD', ca: 'CAT', eu: 'EUS', gl: 'GLG', cy: 'CYM', lb: 'LTZ',
  be: 'BEL', ka: 'KAT', hy: 'HYE', az: 'AZE', gd: 'GLA', br: 'BRE', fy: 'FRY', fo: 'FAO',
  se: 'SME', rm: 'ROH', oc: 'OCI', co: 'COS', la: 'LAT', eo: 'EPO', ar: 'ARA', zh: 'ZHO',
  ja: 'JPN', ko: 'KOR', he: 'HEB', hi: 'HIN', fa: 'FAS', ur: 'URD', id: 'IND', ms: 'MSA',
  vi: 'VIE', th: 'THA', sw: 'SWA', af: 'AFR',
};
const languageNames = new Intl.DisplayNames('en', { type: 'language' });

/**
 * The EU language concept of a BCP 47 tag (its primary subtag): a three-letter subtag is taken
 * as the ISO 639-3 code it is; an unknown language is `UND` (undetermined).
 */
export function languageConcept(tag: string): ElmConcept {
  const primary = (tag.split('-')[0] ?? tag).toLowerCase();
  const code =
    EU_LANGUAGE_CODES[primary] ?? (/^[a-z]{3}$/.test(primary) ? primary.toUpperCase() : 'UND');
  const label = code === 'UND' ? 'Undetermined' : languageNames.of(primary);
  return concept(`${LANGUAGE_SCHEME}/${code}`, LANGUAGE_SCHEME, label, 'language');
}

/** PNG and JPEG in the EU file-type table, as the sample's media objects. */
export function fileTypeConcept(type: 'PNG' | 'JPEG'): ElmConcept {
  const scheme = 'http://publications.europa.eu/resource/authority/file-type';
  return concept(`${scheme}/${type}`, scheme, type, 'file-type');
}

/** Base64 in the EDC encoding list, as the sample's media objects. */
export function base64EncodingConcept(): ElmConcept {
  return concept(
    'http://data.europa.eu/snb/encoding/6146cde7dd',
    'http://data.europa.eu/snb/encoding/25831c2',
    'base64',
  );
}

/** ESCO skills and competences; labels are not bundled, so the concept carries none. */
export function escoSkillConcept(uri: string): ElmConcept {
  return concept(uri, 'http://data.europa.eu/esco/concept-scheme/skills');
}

/** The supervision and identity verification of the assessment, as its EU concept. */
export function supervisionConcept(level: SupervisionLevel): ElmConcept {
  const { uri, label } = SUPERVISION_LEVELS[level];
  return concept(uri, SUPERVISION_SCHEME_URI, label);
}

/**
 * A concept of ours, for a value no EU vocabulary covers: `urn:epass:concept:<uuid>` in
 * `urn:epass:conceptScheme:<uuid>`, both UUIDs derived from our names so they never change.
 */
export function ownConcept(scheme: string, term: string, label: string): ElmConcept {
  return concept(
    `urn:epass:concept:${nameUuid(`microcred/${scheme}/${term}`)}`,
    `urn:epass:conceptScheme:${nameUuid(`microcred/${scheme}`)}`,
    label,
  );
}

/** A name-based UUID (version 8, RFC 9562 §5.8) from the SHA-256 of `name`. */
export function nameUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
