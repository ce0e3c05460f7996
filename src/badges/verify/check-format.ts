import type { ExtractedCredential } from './extract-credential.js';
import type { Check } from './verification-report.js';

/** What was found: a JSON credential or a VC-JWT, sent as it is or baked in an image. */
export function checkFormat(
  extracted: Extract<ExtractedCredential, { credential: unknown }>,
): Check {
  const { container, jwt } = extracted;
  const image = container?.toUpperCase();
  return {
    check: 'format',
    outcome: 'passed',
    reason: `${jwt ? 'A VC-JWT' : 'A JSON credential'}${image ? ` baked in a ${image} image` : ''}`,
    ...(image
      ? {
          reasonCode: jwt ? 'bakedJwtCredential' : 'bakedJsonCredential',
          reasonValues: { image },
        }
      : { reasonCode: jwt ? 'jwtCredential' : 'jsonCredential' }),
  };
}
