import { CMI5_LAUNCH_METHODS, CMI5_LAUNCH_MODES, CMI5_MOVE_ON } from '../../db/schema.js';

export { CMI5_LAUNCH_METHODS, CMI5_LAUNCH_MODES, CMI5_MOVE_ON };

export type Cmi5MoveOn = (typeof CMI5_MOVE_ON)[number];

/** What a registration recorded for one AU, as moveOn reads it. */
export interface AuRecord {
  readonly completed: boolean;
  readonly passed: boolean;
  readonly waived: boolean;
}

/**
 * Whether an AU's moveOn criterion is met (cmi5 section 13.1.4, moveOn): a waived AU always
 * meets it (section 9.3.9), NotApplicable from the registration on (section 9.6.1).
 */
export function isMoveOnMet(moveOn: Cmi5MoveOn, record: AuRecord): boolean {
  if (record.waived) return true;
  switch (moveOn) {
    case 'Passed':
      return record.passed;
    case 'Completed':
      return record.completed;
    case 'CompletedAndPassed':
      return record.completed && record.passed;
    case 'CompletedOrPassed':
      return record.completed || record.passed;
    case 'NotApplicable':
      return true;
  }
}
