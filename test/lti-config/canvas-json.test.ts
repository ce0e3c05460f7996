import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/project-root.js';
import { clientRegistration } from '../../src/lti/dynamic-registration.js';
import { toolUrls } from '../../src/lti/platform-registry.js';

const PUBLIC_URL = 'https://tool.example';

interface CanvasPlacement {
  placement: string;
  message_type: string;
  target_link_uri: string;
}

interface CanvasConfiguration {
  oidc_initiation_url: string;
  target_link_uri: string;
  public_jwk_url: string;
  scopes: string[];
  extensions: { privacy_level: string; settings: { placements: CanvasPlacement[] } }[];
}

async function canvasConfiguration(): Promise<CanvasConfiguration> {
  const text = await readFile(path.join(projectRoot, 'lti-config', 'canvas.json'), 'utf8');
  // The administrator replaces the placeholder with the tool's MICROCRED_PUBLIC_URL.
  return JSON.parse(text.replaceAll('$PUBLIC_URL', PUBLIC_URL)) as CanvasConfiguration;
}

describe('lti-config/canvas.json (Canvas LTI 1.3 developer key)', () => {
  it('names the tool URLs the tool serves', async () => {
    const configuration = await canvasConfiguration();
    const urls = toolUrls(PUBLIC_URL);

    expect(configuration.oidc_initiation_url).toBe(urls.loginUrl);
    expect(configuration.target_link_uri).toBe(urls.launchUrl);
    expect(configuration.public_jwk_url).toBe(urls.jwksUrl);
    for (const placement of configuration.extensions[0]?.settings.placements ?? []) {
      expect(urls.redirectUrls).toContain(placement.target_link_uri);
    }
  });

  it('asks for the same scopes as dynamic registration', async () => {
    const configuration = await canvasConfiguration();

    expect(configuration.scopes).toEqual(clientRegistration(PUBLIC_URL).scope.split(' '));
  });

  it('shares the name and email, and offers deep linking in the activity pickers', async () => {
    const [extension] = (await canvasConfiguration()).extensions;

    expect(extension?.privacy_level).toBe('public');
    const deepLinking = extension?.settings.placements.filter(
      (placement) => placement.message_type === 'LtiDeepLinkingRequest',
    );
    expect(deepLinking?.map((placement) => placement.placement).sort()).toEqual([
      'assignment_selection',
      'link_selection',
    ]);
  });
});
