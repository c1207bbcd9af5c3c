/**
 * A small command-line parser: positional arguments, `--name value`,
 * `--name=value` and boolean `--flag` / `--no-flag`. Unknown options are an
 * error listing the valid ones.
 */
export interface OptionSpec {
  name: string;
  /** 'bool' flags take no value. */
  type: 'string' | 'number' | 'bool';
  help: string;
  default?: string | number | boolean;
}

export interface Parsed {
  positional: string[];
  options: Record<string, string | number | boolean | undefined>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], command: string): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options: Parsed['options'] = {};
  for (const s of specs) options[s.name] = s.default;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
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
      options[name] = negated ? false : value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`${command}: --${name} needs a value`);
    }
    if (spec.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`${command}: --${name} must be a number, got "${value}"`);
      options[name] = n;
    } else options[name] = value;
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
