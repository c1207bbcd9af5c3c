/**
 * Rules for settings, shared by every way a setting arrives: command-line
 * flags, `--config` JSON files, `bam run` hparams and TrainConfig objects
 * built in code. A rule checks type and range and, when it fails, yields a
 * message that starts with the setting's name as the user spelled it
 * (`--batch-size`, `learning_rate`, `--config run.json: mix.strategy`).
 */

/** A setting with a wrong type or an out-of-range value. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Returns null when `value` is acceptable, else what is wrong (without the name). */
export type Rule = (value: unknown) => string | null;

function shown(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A finite number in a range; `integer` also requires a whole number. */
export function num(o: { min?: number; max?: number; above?: number; integer?: boolean } = {}): Rule {
  const kind = o.integer ? 'an integer' : 'a number';
  const parts: string[] = [];
  if (o.above !== undefined) parts.push(`> ${o.above}`);
  if (o.min !== undefined) parts.push(`≥ ${o.min}`);
  if (o.max !== undefined) parts.push(`≤ ${o.max}`);
  const want = `${kind}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `must be ${want}, got ${shown(v)}`;
    if (o.integer && !Number.isSafeInteger(v)) return `must be ${want}, got ${v}`;
    if ((o.above !== undefined && !(v > o.above)) || (o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max)) return `must be ${want}, got ${v}`;
    return null;
  };
}

export const positiveInt = num({ integer: true, min: 1 });
export const nonNegativeInt = num({ integer: true, min: 0 });
export const positive = num({ above: 0 });
export const nonNegative = num({ min: 0 });
export const fraction = num({ min: 0, max: 1 });

export const bool: Rule = (v) => (typeof v === 'boolean' ? null : `must be true or false (a boolean), got ${shown(v)}`);
export const str: Rule = (v) => (typeof v === 'string' ? null : `must be a string, got ${shown(v)}`);

export function oneOf(values: readonly string[]): Rule {
  return (v) => (typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}; got ${shown(v)}`);
}

/** Accepts undefined, else applies `rule`. */
export function optional(rule: Rule): Rule {
  return (v) => (v === undefined ? null : rule(v));
}

/** Accepts null, else applies `rule`. */
export function nullable(rule: Rule): Rule {
  return (v) => (v === null ? null : rule(v));
}

export function listOf(rule: Rule, o: { nonEmpty?: boolean } = {}): Rule {
  return (v) => {
    if (!Array.isArray(v)) return `must be a list, got ${shown(v)}`;
    if (o.nonEmpty && v.length === 0) return 'must not be empty';
    for (let i = 0; i < v.length; i++) {
      const p = rule(v[i]);
      if (p) return `[${i}]${joiner(p)}${p}`;
    }
    return null;
  };
}

export function recordOf(rule: Rule): Rule {
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return `must be an object, got ${shown(v)}`;
    for (const [k, x] of Object.entries(v)) {
      const p = rule(x);
      if (p) return `.${k}${joiner(p)}${p}`;
    }
    return null;
  };
}

/** A nested object with its own keys: unknown keys are refused, `required` ones must be present. */
export function objectOf(rules: Readonly<Record<string, Rule>>, required: readonly string[] = []): Rule {
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return `must be an object, got ${shown(v)}`;
    const obj = v as Record<string, unknown>;
    for (const k of Object.keys(obj)) if (!(k in rules)) return `has unknown key "${k}"; valid keys: ${Object.keys(rules).join(', ')}`;
    for (const k of required) if (obj[k] === undefined) return `.${k} is required`;
    for (const [k, rule] of Object.entries(rules)) {
      const p = rule(obj[k]);
      if (p) return `.${k}${joiner(p)}${p}`;
    }
    return null;
  };
}

// Nested problems start with the path (".strategy", "[2]") and attach without a space.
function joiner(problem: string): string {
  return problem.startsWith('.') || problem.startsWith('[') ? '' : ' ';
}

/** Throws SettingsError `"<name> <problem>"` if `rule` refuses `value`. */
export function check(rule: Rule, value: unknown, name: string): void {
  const problem = rule(value);
  if (problem) throw new SettingsError(`${name}${joiner(problem)}${problem}`);
}

/**
 * Checks a top-level object against per-key rules: unknown keys are refused
 * (listing the valid ones) and each key is checked. `prefix` names the object
 * in messages (e.g. `--config run.json: `).
 */
export function checkObject(value: unknown, rules: Readonly<Record<string, Rule>>, prefix: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SettingsError(`${prefix}expected an object, got ${shown(value)}`);
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!(k in rules)) throw new SettingsError(`${prefix}unknown key "${k}"; valid keys: ${Object.keys(rules).join(', ')}`);
  }
  for (const [k, rule] of Object.entries(rules)) check(rule, obj[k], `${prefix}${k}`);
}
