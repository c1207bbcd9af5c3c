/**
 * A small command-line parser: positional arguments, `--name value`,
 * `--name=value` and boolean `--flag` / `--no-flag` / `--flag=true|false`.
 * Anything it cannot place is an error, never ignored: unknown options
 * (listing the valid ones), a boolean given another value, positional
 * arguments the command does not take, a number outside its rule.
 */
import { check, type Rule } from '../settings/rules.js';

export interface OptionSpec {
  name: string;
  /** 'bool' flags take no value (or =true / =false). */
  type: 'string' | 'number' | 'bool';
  help: string;
  default?: string | number | boolean;
  /** Type and range a given value must meet (checked at parse time, so before any GPU work). */
  rule?: Rule;
}

export interface Parsed {
  positional: string[];
  options: Record<string, string | number | boolean | undefined>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** `maxPositional`: how many positional arguments the command takes (default none). */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], command: string, maxPositional = 0): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options: Parsed['options'] = {};
  for (const s of specs) options[s.name] = s.default;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      if (positional.length >= maxPositional) {
        throw new UsageError(`${command}: unexpected argument "${a}"${maxPositional === 0 ? ' (this command takes only --options)' : ''}`);
      }
      positional.push(a);
      continue;
    }
    let [name, value] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let negated = false;
    if (!byName.has(name) && name.startsWith('no-') && byName.get(name.slice(3))?.type === 'bool') {
      name = name.slice(3);
      negated = true;
    }
    const spec = byName.get(name);
    if (!spec) {
      throw new UsageError(`${command}: unknown option --${name}; valid options: ${specs.map((s) => `--${s.name}`).join(', ')}`);
    }
    if (spec.type === 'bool') {
      if (value !== undefined && (negated || (value !== 'true' && value !== 'false'))) {
        throw new UsageError(`${command}: --${negated ? 'no-' : ''}${name} takes no value${negated ? '' : ' (or =true / =false)'}, got "${value}"`);
      }
      options[name] = negated ? false : value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${command}: --${name} needs a value`);
    }
    if (spec.type === 'number') {
      const n = value.trim() === '' ? NaN : Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`${command}: --${name} must be a number, got "${value}"`);
      options[name] = n;
    } else options[name] = value;
    if (spec.rule) {
      try {
        check(spec.rule, options[name], `--${name}`);
      } catch (e) {
        throw new UsageError(`${command}: ${(e as Error).message}`);
      }
    }
  }
  return { positional, options };
}

export function usage(command: string, summary: string, specs: readonly OptionSpec[]): string {
  const lines = [`usage: ${command}`, '', summary, '', 'options:'];
  for (const s of specs) {
    const def = s.default === undefined ? '' : ` (default: ${s.default})`;
    lines.push(`  --${s.name}${s.type === 'bool' ? '' : ` <${s.type}>`}`.padEnd(30) + s.help + def);
  }
  return lines.join('\n');
}
