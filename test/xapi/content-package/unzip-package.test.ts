import { describe, expect, it } from 'vitest';
import { isSafePath } from '../../../src/xapi/content-package/unzip-package.js';

describe('isSafePath', () => {
  it.each(['index.html', 'a/b/c.js', 'dir/', 'ünïcode/file name.html'])('accepts %s', (path) => {
    expect(isSafePath(path)).toBe(true);
  });
  it.each(['', '/x', '../x', 'a/../x', 'a/./x', 'a//x', 'C:x', 'a\\x', 'a\u0000x'])(
    'refuses %j',
    (path) => {
      expect(isSafePath(path)).toBe(false);
    },
  );
});
