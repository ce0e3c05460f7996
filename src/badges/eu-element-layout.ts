/**
 * Where the rows of the table of EU elements (eu-elements.ts) appear: under which Annex I
 * element of the public credential page, and in which section of the teacher's form.
 */

/**
 * The Annex I elements the public page shows from the table, in the Annex's order, after the
 * learner, title, issuer country, awarding body and date of issuing.
 */
export const PAGE_ROWS: readonly { readonly id: string; readonly isMandatory: boolean }[] = [
  { id: 'learningOutcomes', isMandatory: true },
  { id: 'workload', isMandatory: true },
  { id: 'level', isMandatory: true },
  { id: 'assessment', isMandatory: true },
  { id: 'participation', isMandatory: true },
  { id: 'qualityAssurance', isMandatory: true },
  { id: 'prerequisites', isMandatory: false },
  { id: 'supervision', isMandatory: false },
  { id: 'grade', isMandatory: false },
  { id: 'stackability', isMandatory: false },
  { id: 'fieldOfStudy', isMandatory: false },
  { id: 'furtherInformation', isMandatory: false },
];

/**
 * The EU sections of the teacher's form (`sections.<id>`) and the controls in each, by name;
 * `outcomes` is the form's own block of learning outcome rows.
 */
export const FORM_SECTIONS: readonly {
  readonly id: string;
  readonly controls: readonly string[];
}[] = [
  { id: 'level', controls: ['ects', 'workloadHours', 'eqfLevel'] },
  { id: 'outcomes', controls: [] },
  {
    id: 'assessment',
    controls: [
      'assessmentType',
      'assessmentDescription',
      'gradingScheme',
      'participationForm',
      'supervision',
    ],
  },
  {
    id: 'quality',
    controls: ['qualityAssuranceType', 'qualityAssurance', 'qualityAssuranceUrl'],
  },
  {
    id: 'stacking',
    controls: ['prerequisites', 'stackable', 'stackabilityDescription', 'stacksInto'],
  },
  { id: 'further', controls: ['fieldOfStudy', 'furtherInformation', 'furtherInformationUrl'] },
];
