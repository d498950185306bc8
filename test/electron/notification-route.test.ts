import { describe, expect, test } from 'vitest';
import { uiHash } from '../../src/main/electron/policy';

describe('a notification click opens its route in the window', () => {
  test('UI routes become the location hash; anything else is ignored', () => {
    expect(uiHash('#/alerts?group=%7B%7D%3A%7Balertname%3D%22X%22%7D&receiver=me')).toBe('#/alerts?group=%7B%7D%3A%7Balertname%3D%22X%22%7D&receiver=me');
    expect(uiHash('/alerts')).toBe('#/alerts');
    expect(uiHash('alerts')).toBe('');
    expect(uiHash(undefined)).toBe('');
    expect(uiHash('')).toBe('');
    // Quotes, spaces, backslashes and angle brackets never reach executeJavaScript's string.
    expect(uiHash('#/x"; alert(1); "')).toBe('');
    expect(uiHash('#/x<script>')).toBe('');
    expect(uiHash('javascript:alert(1)')).toBe('');
  });
});
