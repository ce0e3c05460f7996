/**
 * Where pages show an achievement version's badge: the tool's own image route, which serves the
 * stored image (checked again, sanitized) or the generated one, and never makes the browser
 * fetch from another site (credential-routes.ts).
 */
export function achievementImagePath(achievementId: string, version: number): string {
  return `/achievements/${achievementId}/versions/${version}/image.svg`;
}
