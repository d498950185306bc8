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

  it('collects every value of a repeatable flag', () => {
    expect(parseArgs(['--context', 'a', '--context=b'], specs).lists).toEqual({ context: ['a', 'b'] });
  });
});
