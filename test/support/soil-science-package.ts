/**
 * The cmi5 package the import page tests share: a course "Soil science" with an AU, and a block
 * holding a second AU with moveOn, masteryScore and launchMethod; AU pages that load a script.
 */
import { courseXml, zipOf } from './cmi5-packages.js';

export const SOIL_SCIENCE_BASE = 'https://example.org/cmi5/import-test';
export const AU_PAGE = '<!doctype html><title>AU</title><script src="au.js"></script>';

export const SOIL_SCIENCE_XML = courseXml({
  courseId: `${SOIL_SCIENCE_BASE}/course`,
  title: 'Soil science',
  children: [
    { id: `${SOIL_SCIENCE_BASE}/au/intro`, url: 'index.html', attributes: 'moveOn="Completed"' },
    {
      id: `${SOIL_SCIENCE_BASE}/block/1`,
      children: [
        {
          id: `${SOIL_SCIENCE_BASE}/au/test`,
          url: 'test/index.html?level=2',
          title: 'Final test',
          attributes: 'moveOn="CompletedAndPassed" masteryScore="0.8" launchMethod="OwnWindow"',
        },
      ],
    },
  ],
});

/** The package as a zip: cmi5.xml, the two AU pages and their script. */
export function soilScienceZip(): Promise<Buffer> {
  return zipOf({
    'cmi5.xml': SOIL_SCIENCE_XML,
    'index.html': AU_PAGE,
    'au.js': 'void 0',
    'test/index.html': AU_PAGE,
  });
}

/** What `POST /api/cmi5/packages` answers with 201. */
export interface ImportedCmi5Package {
  package: {
    id: string;
    courseActivityId: string;
    aus: {
      id: string;
      activityId: string;
      launchUrl: string;
      moveOn: string;
      masteryScore: number | null;
    }[];
    blocks: { id: string; activityId: string }[];
  };
}
