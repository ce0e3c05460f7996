import { escapeHtml } from '../escape-html.js';

/** The page a platform answers an authentication request with (OAuth 2.0 Form Post Response Mode). */
export function autoPostPage(
  action: string,
  fields: Record<string, string>,
  scriptUrl: string,
): string {
  const inputs = Object.entries(fields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head><title>Launching the tool</title></head>
  <body>
    <form action="${escapeHtml(action)}" method="post">
      ${inputs}
      <noscript><button type="submit">Continue</button></noscript>
    </form>
    <script src="${escapeHtml(scriptUrl)}"></script>
  </body>
</html>
`;
}
