import { describe, expect, it } from 'vitest';
import {
  detectPlatform,
  exportAgeText,
  exportIsOld,
  sevenDayRuleApplies,
} from '../../../src/lib/state/keeping.svelte';

const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  iphoneChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.0.0 Mobile/15E148 Safari/604.1',
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  macChrome:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
};
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 12);

describe('platform detection for the seven-day rule', () => {
  it('recognises iOS (iPadOS too) and desktop Safari, and nothing else', () => {
    expect(detectPlatform(UA.iphone)).toEqual({ ios: true, safari: true });
    expect(detectPlatform(UA.iphoneChrome)).toEqual({ ios: true, safari: false });
    expect(detectPlatform(UA.macSafari, 5)).toEqual({ ios: true, safari: true });
    expect(detectPlatform(UA.macSafari, 0)).toEqual({ ios: false, safari: true });
    expect(detectPlatform(UA.macChrome)).toEqual({ ios: false, safari: false });
    expect(detectPlatform(UA.android, 5)).toEqual({ ios: false, safari: false });
    expect(detectPlatform(UA.firefox)).toEqual({ ios: false, safari: false });
  });

  it('applies to WebKit in a browser tab, not to an app on the Home Screen', () => {
    expect(sevenDayRuleApplies(detectPlatform(UA.iphone), false)).toBe(true);
    expect(sevenDayRuleApplies(detectPlatform(UA.iphone), true)).toBe(false);
    expect(sevenDayRuleApplies(detectPlatform(UA.macSafari), false)).toBe(true);
    expect(sevenDayRuleApplies(detectPlatform(UA.macChrome), false)).toBe(false);
  });
});

describe('the age of the last export', () => {
  it('reads as a person would say it', () => {
    expect(exportAgeText(null, NOW)).toBe('never');
    expect(exportAgeText(NOW - 5 * 60_000, NOW)).toBe('today');
    expect(exportAgeText(NOW - DAY - 1, NOW)).toBe('yesterday');
    expect(exportAgeText(NOW - 12 * DAY, NOW)).toBe('12 days ago');
    // A clock that moved backwards does not give a negative age.
    expect(exportAgeText(NOW + DAY, NOW)).toBe('today');
  });

  it('earns a nudge from seven days on, or when there is data and no export at all', () => {
    expect(exportIsOld(null, NOW, false)).toBe(false);
    expect(exportIsOld(null, NOW, true)).toBe(true);
    expect(exportIsOld(NOW - 6 * DAY, NOW, true)).toBe(false);
    expect(exportIsOld(NOW - 7 * DAY, NOW, true)).toBe(true);
  });
});
