import { describe, expect, it } from 'vitest';
import { courseRoleFromLtiRoles, isLmsAdministrator } from '../../src/lti/roles.js';

const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership';

describe('courseRoleFromLtiRoles (LTI 1.3 core, appendix A.2)', () => {
  it.each([
    [[`${MEMBERSHIP}#Instructor`], 'teacher'],
    [[`${MEMBERSHIP}/Instructor#TeachingAssistant`], 'teacher'],
    [[`${MEMBERSHIP}#ContentDeveloper`], 'teacher'],
    [[`${MEMBERSHIP}#Administrator`], 'teacher'],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], 'teacher'],
    [['Instructor'], 'teacher'],
    [['TeachingAssistant'], 'teacher'],
    [[`${MEMBERSHIP}#Learner`], 'learner'],
    [['Learner'], 'learner'],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student'], 'learner'],
    [[`${MEMBERSHIP}#Mentor`], 'observer'],
    [[], 'observer'],
  ])('maps %j to %s', (roles, role) => {
    expect(courseRoleFromLtiRoles(roles)).toBe(role);
  });

  it('lets a teaching role win over Learner', () => {
    expect(courseRoleFromLtiRoles([`${MEMBERSHIP}#Learner`, `${MEMBERSHIP}#Instructor`])).toBe(
      'teacher',
    );
  });
});

describe('isLmsAdministrator', () => {
  it.each([
    ['http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator', true],
    ['http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin', true],
    ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator', true],
    [`${MEMBERSHIP}#Administrator`, false],
    [`${MEMBERSHIP}#Instructor`, false],
    ['Administrator', false],
    ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty', false],
  ])('counts %s as an administrator of the LMS: %s', (role, expected) => {
    expect(isLmsAdministrator([role])).toBe(expected);
  });
});
