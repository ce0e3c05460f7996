import type { AgentObject, StatementObject, SubStatement } from '../statement.js';
import { validateActivity } from './activity.js';
import { validateAgent, validateGroup } from './actor.js';
import { describeJsonType, expectObject, has, invalid } from './json-shape.js';
import { validateStatementRef } from './statement-ref.js';

/**
 * A statement's object (xAPI Data 2.4.4), by `objectType`: Activity (the default when absent),
 * Agent, Group, StatementRef or SubStatement. `validateSubStatement` is null inside a
 * SubStatement, which MUST NOT contain a SubStatement of its own.
 */
export function validateStatementObject(
  value: unknown,
  path: string,
  validateSubStatement: ((value: unknown, path: string) => SubStatement) | null,
): StatementObject {
  const object = expectObject(value, path);
  const objectType = has(object, 'objectType') ? object.objectType : 'Activity';
  switch (objectType) {
    case 'Activity':
      return validateActivity(object, path);
    case 'Agent':
      // objectType is present here, and validateAgent keeps what was sent.
      return validateAgent(object, path) as AgentObject;
    case 'Group':
      return validateGroup(object, path);
    case 'StatementRef':
      return validateStatementRef(object, path);
    case 'SubStatement':
      if (!validateSubStatement)
        invalid(path, 'must not be a SubStatement: SubStatements cannot be nested');
      return validateSubStatement(object, path);
    default:
      invalid(
        `${path}.objectType`,
        `must be Activity, Agent, Group, StatementRef or SubStatement, not ${
          typeof objectType === 'string' ? `"${objectType}"` : describeJsonType(objectType)
        }`,
      );
  }
}
