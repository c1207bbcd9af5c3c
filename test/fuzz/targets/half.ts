import {
  bfloat16BitsToFloat32Array,
  bfloat16ToFloat32,
  float16BitsToFloat32Array,
  float16ToFloat32,
  float32ToBfloat16,
  float32ToFloat16,
} from '../../../packages/core/src/io/half.js';
import { expectValid, runCase, type FuzzTarget } from '../harness.js';
import { anyBytes } from '../mutate.js';

/**
 * F16 and BF16 decoding of whatever bits a file holds: never throws, agrees
 * element by element with the scalar decoders, and every non-NaN pattern
 * survives a round trip through float32 bit for bit.
 */
export const halfTarget: FuzzTarget = {
  name: 'f16-bf16',
  input: anyBytes,
  check(bytes) {
    const bits = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)));
    const out = runCase(bytes, { file: 'fuzz/half bits', own: [] }, () => [float16BitsToFloat32Array(bits), bfloat16BitsToFloat32Array(bits)] as const);
    if (!('value' in out)) return;
    const [f16, bf16] = out.value;
    for (let i = 0; i < bits.length; i++) {
      const h = bits[i];
      const a = float16ToFloat32(h);
      const b = bfloat16ToFloat32(h);
      expectValid(Object.is(f16[i], a) || (Number.isNaN(f16[i]) && Number.isNaN(a)), `f16 0x${h.toString(16)}: array ${f16[i]} vs scalar ${a}`);
      expectValid(Object.is(bf16[i], b) || (Number.isNaN(bf16[i]) && Number.isNaN(b)), `bf16 0x${h.toString(16)}: array ${bf16[i]} vs scalar ${b}`);
      expectValid(Number.isNaN(a) || float32ToFloat16(a) === h, `f16 0x${h.toString(16)} → ${a} → 0x${float32ToFloat16(a).toString(16)}`);
      expectValid(Number.isNaN(b) || float32ToBfloat16(b) === h, `bf16 0x${h.toString(16)} → ${b} → 0x${float32ToBfloat16(b).toString(16)}`);
    }
  },
};
