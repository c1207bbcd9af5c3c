/**
 * Kernel parameters travel in a uniform buffer as a flat struct of 4-byte
 * scalars. A ParamLayout names the fields once; the same object emits the
 * WGSL struct and packs the values, so the two can never disagree.
 */
export type ParamType = 'u32' | 'i32' | 'f32';

export class ParamLayout {
  readonly fields: { name: string; type: ParamType }[] = [];

  add(name: string, type: ParamType = 'u32'): this {
    this.fields.push({ name, type });
    return this;
  }

  /** Adds `count` fields named `${prefix}0`, `${prefix}1`, ... */
  addArray(prefix: string, count: number, type: ParamType = 'u32'): this {
    for (let i = 0; i < count; i++) this.add(`${prefix}${i}`, type);
    return this;
  }

  get byteSize(): number {
    return this.fields.length * 4;
  }

  /**
   * `struct Params {...}` plus its binding, or '' when empty. Params live in
   * bind group 1 (a slot of the runtime's params arena), apart from the
   * kernel's buffers in group 0, so each half's bind group is reused on its own.
   */
  wgsl(): string {
    if (this.fields.length === 0) return '';
    const body = this.fields.map((f) => `  ${f.name}: ${f.type},`).join('\n');
    return `struct Params {\n${body}\n}\n@group(1) @binding(0) var<uniform> p: Params;\n`;
  }

  /** Packs values (by field name) into bytes; missing names are an error. */
  pack(values: Record<string, number>, out: DataView, byteOffset: number): void {
    this.fields.forEach((f, i) => {
      const v = values[f.name];
      if (v === undefined) throw new Error(`kernel parameter "${f.name}" was not given`);
      const o = byteOffset + i * 4;
      if (f.type === 'f32') out.setFloat32(o, v, true);
      else if (f.type === 'i32') out.setInt32(o, v, true);
      else out.setUint32(o, v >>> 0, true);
    });
  }
}
