/**
 * What the demo LMS holds: one course with a teacher, three learners and four short quizzes,
 * after the brief's example of a core course plus electives covering the environmental,
 * economic and societal pillars of sustainability.
 */

export interface DemoPerson {
  /** The LTI `sub` and login hint. */
  readonly id: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly role: 'teacher' | 'learner';
}

export interface DemoQuestion {
  readonly text: string;
  readonly choices: readonly string[];
  /** The index of the right choice. */
  readonly answer: number;
}

export interface DemoActivity {
  /** The last part of the quiz page's path and of its activity IRI. */
  readonly slug: string;
  readonly title: string;
  /** The sustainability pillar an elective covers; the core quiz has none. */
  readonly pillar: 'environmental' | 'economic' | 'societal' | null;
  readonly questions: readonly DemoQuestion[];
}

export const DEMO_COURSE = {
  contextId: 'sustainability-101',
  label: 'SUS-101',
  title: 'Sustainability in Practice',
} as const;

/** The awarding body named on the demo's credentials, with the EU elements about it. */
export const DEMO_AWARDING_BODY = {
  name: 'Demo University',
  url: 'https://demo-university.example',
  countryCode: 'NL',
  address: { addressLocality: 'Utrecht', addressRegion: 'Utrecht', addressCountryCode: 'NL' },
} as const;

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: 'teacher-amara', givenName: 'Amara', familyName: 'Okafor', role: 'teacher' },
  { id: 'learner-lena', givenName: 'Lena', familyName: 'Fischer', role: 'learner' },
  { id: 'learner-mateo', givenName: 'Mateo', familyName: 'García', role: 'learner' },
  { id: 'learner-aino', givenName: 'Aino', familyName: 'Virtanen', role: 'learner' },
];

/** The share of right answers a quiz needs to be passed (the xAPI `success` of its result). */
export const DEMO_PASSING_SCORE = 0.6;

export const DEMO_ACTIVITIES: readonly DemoActivity[] = [
  {
    slug: 'sustainability-basics',
    title: 'Sustainability basics',
    pillar: null,
    questions: [
      {
        text: 'Which three pillars does sustainable development balance?',
        choices: [
          'Environmental, economic and societal',
          'Local, national and global',
          'Energy, water and food',
        ],
        answer: 0,
      },
      {
        text: 'What does a life-cycle assessment measure?',
        choices: [
          'The price of a product over its lifetime',
          'The environmental impact of a product from raw material to disposal',
          'How long a product lasts',
        ],
        answer: 1,
      },
      {
        text: 'Which UN framework sets 17 goals for 2030?',
        choices: ['The Kyoto Protocol', 'The Sustainable Development Goals', 'The Bologna Process'],
        answer: 1,
      },
    ],
  },
  {
    slug: 'climate-and-ecosystems',
    title: 'Climate and ecosystems',
    pillar: 'environmental',
    questions: [
      {
        text: 'Which gas contributes most to human-made global warming?',
        choices: ['Oxygen', 'Carbon dioxide', 'Nitrogen'],
        answer: 1,
      },
      {
        text: 'What is biodiversity?',
        choices: [
          'The variety of life in an ecosystem',
          'The number of trees in a forest',
          'A farming method',
        ],
        answer: 0,
      },
      {
        text: 'Which of these stores the most carbon per hectare?',
        choices: ['Peatland', 'A car park', 'A wheat field'],
        answer: 0,
      },
    ],
  },
  {
    slug: 'circular-economy',
    title: 'Circular economy',
    pillar: 'economic',
    questions: [
      {
        text: 'What does a circular economy aim for?',
        choices: [
          'Take, make, dispose',
          'Keeping materials in use as long as possible',
          'Producing more, faster',
        ],
        answer: 1,
      },
      {
        text: 'Which business model fits a circular economy best?',
        choices: [
          'Single-use packaging',
          'Product as a service with repair',
          'Planned obsolescence',
        ],
        answer: 1,
      },
      {
        text: 'What is "remanufacturing"?',
        choices: [
          'Restoring used products to as-new condition',
          'Burning waste for energy',
          'Moving a factory abroad',
        ],
        answer: 0,
      },
    ],
  },
  {
    slug: 'fair-work-and-inclusion',
    title: 'Fair work and inclusion',
    pillar: 'societal',
    questions: [
      {
        text: 'What does a living wage cover?',
        choices: ['Only food', 'A decent standard of living for a worker and family', 'Taxes'],
        answer: 1,
      },
      {
        text: 'Which is an example of inclusive design?',
        choices: [
          'Captions on videos',
          'A website that only works with a mouse',
          'Forms in one language only',
        ],
        answer: 0,
      },
      {
        text: 'What does supply-chain due diligence look for?',
        choices: ['Cheaper suppliers', 'Human-rights and environmental risks', 'Faster shipping'],
        answer: 1,
      },
    ],
  },
];

export function fullName(person: DemoPerson): string {
  return `${person.givenName} ${person.familyName}`;
}
