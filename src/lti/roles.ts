export type CourseRole = 'teacher' | 'learner' | 'observer';

/** The context role of a learner (LTI 1.3 core, A.2.2). */
export const LTI_ROLE_LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';

const TEACHER_ROLES = new Set([
  'Instructor',
  'TeachingAssistant',
  'ContentDeveloper',
  'Administrator',
]);

/**
 * The role a launch grants in the course, from the LTI roles claim (LTI 1.3 core, A.2): context
 * roles in the full `…/membership#Instructor` form, the `…/membership/Instructor#TeachingAssistant`
 * sub-role form, institution/system roles, or the short legacy form `Instructor`. Teaching roles
 * win over Learner; anything else gets a read-only view.
 */
export function courseRoleFromLtiRoles(roles: readonly string[]): CourseRole {
  const names = roles.flatMap(roleNames);
  if (names.some((name) => TEACHER_ROLES.has(name))) return 'teacher';
  if (names.includes('Learner') || names.includes('Student')) return 'learner';
  return 'observer';
}

function roleNames(role: string): string[] {
  const hash = role.lastIndexOf('#');
  if (hash === -1) return [role.slice(role.lastIndexOf('/') + 1)];
  const principal = role.slice(0, hash);
  return [role.slice(hash + 1), principal.slice(principal.lastIndexOf('/') + 1)];
}

/** The system and institution roles of the people who administer an LMS (LTI 1.3 core, A.2.1, A.2.2). */
const LMS_ADMINISTRATOR_ROLES = new Set([
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin',
  'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
]);

/**
 * Whether the launch comes from an administrator of the LMS itself (Moodle gives its site
 * administrators these roles), not of one course: a course's `membership#Administrator` does
 * not count, nor does any short form.
 */
export function isLmsAdministrator(roles: readonly string[]): boolean {
  return roles.some((role) => LMS_ADMINISTRATOR_ROLES.has(role));
}
