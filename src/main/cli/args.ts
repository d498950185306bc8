/**
 * A small, strict command-line parser: `--name value`, `--name=value`, boolean flags, positional
 * arguments; unknown flags are errors (a typo must not be silently ignored).
 */

/** FlagSpec declares one flag. */
export interface FlagSpec {
  name: string;
  boolean?: boolean;
  /** optionalValue: `--name` alone is true, `--name=VALUE` gives the value (never the next argument). */
  optionalValue?: boolean;
  /** repeatable flags may be given several times; their values are in ParsedArgs.lists. */
  repeatable?: boolean;
  help: string;
  placeholder?: string;
}

/** ParsedArgs is the result of parsing. */
export interface ParsedArgs {
  flags: Record<string, string | boolean>;
  positional: string[];
  /** lists holds every value of repeatable flags, in order (flags holds the last one too). */
  lists: Record<string, string[]>;
}

/** UsageError is a command-line mistake; the CLI prints it with the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** parseArgs parses argv against specs. */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const flags: Record<string, string | boolean> = {};
  const positional: string[] = [];
  const lists: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const spec = specs.find((s) => s.name === name);
      if (!spec) throw new UsageError(`unknown flag --${name}`);
      if (spec.optionalValue) {
        flags[name] = eq > 0 ? a.slice(eq + 1) : true;
        continue;
      }
      if (spec.boolean) {
        if (eq > 0) {
          const v = a.slice(eq + 1);
          if (v !== 'true' && v !== 'false') throw new UsageError(`flag --${name} takes true or false, got ${JSON.stringify(v)}`);
          flags[name] = v === 'true';
        } else flags[name] = true;
        continue;
      }
      let v: string | undefined;
      if (eq > 0) v = a.slice(eq + 1);
      else {
        v = argv[i + 1];
        i++;
      }
      if (v === undefined) throw new UsageError(`flag --${name} needs a value`);
      if (!spec.repeatable && flags[name] !== undefined) throw new UsageError(`flag --${name} given twice`);
      flags[name] = v;
      if (spec.repeatable) (lists[name] ??= []).push(v);
      continue;
    }
    if (a === '-h') {
      flags.help = true;
      continue;
    }
    positional.push(a);
  }
  return { flags, positional, lists };
}

/** formatFlags renders flag help lines. */
export function formatFlags(specs: readonly FlagSpec[]): string {
  return specs
    .map((s) => {
      const left = `  --${s.name}${s.boolean ? '' : s.optionalValue ? `[=${s.placeholder ?? 'VALUE'}]` : ` ${s.placeholder ?? 'VALUE'}`}`;
      return `${left.padEnd(30)} ${s.help}`;
    })
    .join('\n');
}
