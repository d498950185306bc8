import { describe, expect, it } from 'vitest';
import { externalUrlAllowed, isAppUrl, validateSender, windowWebPreferences } from '../../src/main/electron/policy';

const APP = 'file:///opt/vigil/out/renderer/index.html';

describe('desktop shell policy', () => {
  it('locks the renderer down', () => {
    expect(windowWebPreferences('/p.js')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('compares app URLs by parsed origin/path, not prefixes', () => {
    expect(isAppUrl('file:///opt/vigil/out/renderer/index.html#/query', APP)).toBe(true);
    expect(isAppUrl('file:///opt/vigil/out/renderer/index.html.evil', APP)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', APP)).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5173.evil.com/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', APP)).toBe(false);
  });

  it('accepts IPC only from the app main frame', () => {
    expect(validateSender({ url: `${APP}#/targets`, isMainFrame: true }, APP)).toBeNull();
    expect(validateSender({ url: APP, isMainFrame: false }, APP)).toMatch(/main frame/);
    expect(validateSender({ url: 'https://example.com/', isMainFrame: true }, APP)).toMatch(/not allowed/);
    expect(validateSender(null, APP)).toMatch(/no sender/);
  });

  it('opens only allowlisted https links externally', () => {
    expect(externalUrlAllowed('https://prometheus.io/docs/')).toBe(true);
    expect(externalUrlAllowed('http://prometheus.io/')).toBe(false);
    expect(externalUrlAllowed('https://prometheus.io.evil.com/')).toBe(false);
    expect(externalUrlAllowed('file:///etc/passwd')).toBe(false);
  });
});
