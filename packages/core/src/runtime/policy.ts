/**
 * The device profile: every choice that differs by adapter, in one place
 * (the table: docs/device-policy.md). Built once per Runtime from the
 * adapter; `auto` entries follow the adapter class's measured rule (the
 * choosers next to each kernel family apply it per shape), a named value
 * pins the choice everywhere. Overrides come from RuntimeOptions.flags
 * (init/initNode's `flags`) or, under initNode, BAMGPU_FLAGS, e.g.
 * BAMGPU_FLAGS="matmul=tiled,attention=fused".
 */

/** Each entry's values; the first is the default. */
export const PROFILE_VALUES = {
  /** Whose rules `auto` follows: CPU adapters (lavapipe, SwiftShader) or GPUs. Default: detected. */
  adapterClass: ['detect', 'cpu', 'gpu'],
  matmul: ['auto', 'texture', 'tiled', 'tiled-wide', 'blocked', 'splitk', 'small'],
  /** Kernel that computes split-K's partial products. */
  splitkPartials: ['auto', 'blocked', 'tiled'],
  /** softmax / log-softmax / layer norm layout. */
  rows: ['auto', 'thread', 'subgroup', 'workgroup'],
  reduce: ['auto', 'thread', 'workgroup'],
  /** fused (FlashAttention-style) or composed from matmul and softmax. */
  attention: ['auto', 'fused', 'composed'],
  /** The fused attention kernels' layout. */
  attentionKernel: ['auto', 'rows', 'subgroup', 'tiled'],
  /** vec4 elementwise kernels and column sums where the shape allows. */
  vec4: ['auto', 'on', 'off'],
  /** sleep: sleep before waits and throttle polls (runtime/settle.ts); throttle: only the latter; plain: neither. */
  wait: ['auto', 'sleep', 'throttle', 'plain'],
} as const;

export type ProfileEntry = keyof typeof PROFILE_VALUES;
type Value<K extends ProfileEntry> = (typeof PROFILE_VALUES)[K][number];

/** The built profile: adapterClass resolved, every other entry `auto` or pinned. */
export type DeviceProfile = { readonly [K in ProfileEntry]: K extends 'adapterClass' ? 'cpu' | 'gpu' : Value<K> };
/** Overrides, entry by entry. */
export type ProfileFlags = { [K in ProfileEntry]?: Value<K> };

export type MatmulVariant = Exclude<Value<'matmul'>, 'auto'>;
export type RowVariant = Exclude<Value<'rows'>, 'auto'>;
export type ReduceVariant = Exclude<Value<'reduce'>, 'auto'>;
export type AttentionImpl = Exclude<Value<'attention'>, 'auto'>;
export type AttentionVariant = Exclude<Value<'attentionKernel'>, 'auto'>;

const ENTRIES = Object.keys(PROFILE_VALUES) as ProfileEntry[];

/** Every value of an entry but `auto`/`detect`: what a test forces in turn. */
export function pinnedValues<K extends ProfileEntry>(entry: K): Exclude<Value<K>, 'auto' | 'detect'>[] {
  return PROFILE_VALUES[entry].slice(1) as Exclude<Value<K>, 'auto' | 'detect'>[];
}

/** Checks overrides from code (JavaScript callers get no type check): an unknown entry or value throws, naming it. */
export function checkFlags(flags: Record<string, unknown>, source = 'flags'): ProfileFlags {
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    if (!(ENTRIES as string[]).includes(key)) throw new Error(`${source}: unknown device-profile entry '${key}' (entries: ${ENTRIES.join(', ')})`);
    const allowed = PROFILE_VALUES[key as ProfileEntry] as readonly string[];
    if (!allowed.includes(value as string)) throw new Error(`${source}: '${key}' takes ${allowed.join(' | ')}, got '${String(value)}'`);
  }
  return flags as ProfileFlags;
}

/** Parses "matmul=tiled,attention=fused" (BAMGPU_FLAGS' form; spaces allowed); a malformed item throws, naming it. */
export function parseFlags(text: string, source = 'BAMGPU_FLAGS'): ProfileFlags {
  const out: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`${source}: '${item}' is not entry=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return checkFlags(out, source);
}

/** The profile of an adapter (`isCPU`: runs on CPU cores) with `flags` applied over the defaults. */
export function buildProfile(isCPU: boolean, flags: ProfileFlags = {}): DeviceProfile {
  checkFlags(flags);
  const defaults = Object.fromEntries(ENTRIES.map((k) => [k, PROFILE_VALUES[k][0]])) as Record<ProfileEntry, string>;
  const merged = { ...defaults, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) } as Record<ProfileEntry, string>;
  const adapterClass = merged.adapterClass === 'detect' ? (isCPU ? 'cpu' : 'gpu') : merged.adapterClass;
  return Object.freeze({ ...merged, adapterClass }) as DeviceProfile;
}

/** "matmul=auto,…" of a profile: for logs and the demo. */
export function formatProfile(p: DeviceProfile): string {
  return ENTRIES.map((k) => `${k}=${p[k]}`).join(',');
}
