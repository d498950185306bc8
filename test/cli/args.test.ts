import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from '../../src/main/cli/args';

const specs = [
  { name: 'data', help: '' },
  { name: 'demo', boolean: true, help: '' },
  { name: 'context', repeatable: true, help: '' },
];

describe('argument parsing', () => {
  it('takes --name value, --name=value, booleans and positionals', () => {
    expect(parseArgs(['serve', '--data', '/d', '--demo'], specs)).toEqual({ flags: { data: '/d', demo: true }, positional: ['serve'], lists: {} });
    expect(parseArgs(['--data=/x', 'a', '--', '--demo'], specs)).toEqual({ flags: { data: '/x' }, positional: ['a', '--demo'], lists: {} });
    expect(parseArgs(['--demo=false'], specs).flags.demo).toBe(false);
  });

  it('rejects unknown flags and missing values', () => {
    expect(() => parseArgs(['--nope'], specs)).toThrow(UsageError);
    expect(() => parseArgs(['--data'], specs)).toThrow(/needs a value/);
    expect(() => parseArgs(['--demo=yes'], specs)).toThrow(/true or false/);
    expect(() => parseArgs(['--data', 'a', '--data', 'b'], specs)).toThrow(/--data given twice/);
  });

  it('takes --name or --name=VALUE for a flag with an optional value (--demo, --demo=2)', async () => {
    const opt = [{ name: 'demo', optionalValue: true, help: '' }, { name: 'data', help: '' }];
    expect(parseArgs(['--demo', 'serve'], opt)).toEqual({ flags: { demo: true }, positional: ['serve'], lists: {} });
    expect(parseArgs(['--demo=2', '--data', 'x'], opt).flags).toEqual({ demo: '2', data: 'x' });
    const { demoCount, dataDirOf } = await import('../../src/main/cli/serve');
    expect([demoCount(undefined), demoCount(true), demoCount('1'), demoCount('2')]).toEqual([0, 1, 1, 2]);
    expect(() => demoCount('3')).toThrow(/--demo takes 1 or 2/);
    const prev = process.env.VIGIL_DATA;
    process.env.VIGIL_DATA = '/home/u/Vigil';
    try {
      expect(dataDirOf({ demo: true })).toBe('/home/u/Vigil-demo');
      expect(dataDirOf({})).toBe('/home/u/Vigil');
      expect(dataDirOf({ demo: '2', data: '/d' })).toBe('/d');
    } finally {
      if (prev === undefined) delete process.env.VIGIL_DATA;
      else process.env.VIGIL_DATA = prev;
    }
  });

  it('collects every value of a repeatable flag', () => {
    expect(parseArgs(['--context', 'a', '--context=b'], specs).lists).toEqual({ context: ['a', 'b'] });
  });
});
