/**
 * The target of the `rel="next"` link in an HTTP `Link` header (RFC 8288 section 3), resolved
 * against the URL of the response that carried it; `null` when there is none. NRPS 2.0 section
 * 2.4.2 and AGS 2.0 section 3.2.4.1 page their containers this way.
 */
export function nextLink(header: string | null | undefined, responseUrl: string): string | null {
  if (!header) return null;
  // A link-value is `<URI-Reference>` followed by `;`-separated parameters; link-values are
  // separated by commas, which may also appear inside the URI and in quoted parameter values.
  const linkValue = /<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))?)*)/g;
  for (const [, target = '', params = ''] of header.matchAll(linkValue)) {
    const param = /;\s*([^;,=\s]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*))?/g;
    for (const [, name = '', rawValue = ''] of params.matchAll(param)) {
      if (name.toLowerCase() !== 'rel') continue;
      const value = rawValue.startsWith('"')
        ? rawValue.slice(1, -1).replace(/\\(.)/g, '$1')
        : rawValue;
      // The rel parameter holds space-separated relation types, compared case-insensitively.
      if (value.toLowerCase().split(/\s+/).includes('next')) {
        return URL.canParse(target, responseUrl) ? new URL(target, responseUrl).href : null;
      }
      break;
    }
  }
  return null;
}
