/**
 * What only the browser run can show: which adapter the page got, and that
 * a model trains through navigator.gpu with the memory a training loop holds
 * flat from step to step (a leak in the browser's WebGPU path would grow it).
 */
import { AdamW, Linear, Module, crossEntropy, manualSeed, memory, scope, tensor, type MemoryInfo, type Runtime, type Tensor } from '@bamgpu/core';
import { seeded } from '../../../packages/core/test/helpers/check.js';
import { assert, type BrowserTest } from '../harness.js';

class MLP extends Module {
  fc1: Linear;
  fc2: Linear;
  constructor(inDim: number, hidden: number, classes: number) {
    super();
    this.fc1 = new Linear(inDim, hidden);
    this.fc2 = new Linear(hidden, classes);
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}

/**
 * Trains the MLP on an XOR-like rule (class 1 where the two coordinates'
 * signs differ: not linearly separable, so the hidden layer must learn).
 * Calls `each(step, loss?)` after every step; loss is read back only on the
 * steps `readLossAt` picks, since each read waits for the GPU.
 */
async function trainXor(steps: number, readLossAt: (step: number) => boolean, each: (step: number, loss: number | null) => void): Promise<void> {
  manualSeed(1);
  const rnd = seeded(3);
  const n = 64;
  const xs = Float32Array.from({ length: n * 2 }, () => rnd() * 2 - 1);
  const ys = Int32Array.from({ length: n }, (_, i) => (xs[2 * i] * xs[2 * i + 1] < 0 ? 1 : 0));
  const model = new MLP(2, 32, 2);
  const opt = new AdamW(model.namedParameters(), { lr: 0.03, weightDecay: 0, noDecay: () => false });
  const x = tensor(xs, [n, 2]);
  const y = tensor(ys, [n]);
  try {
    for (let step = 0; step < steps; step++) {
      const loss = scope(() => {
        const l = crossEntropy(model.forward(x), y);
        l.backward();
        opt.step();
        opt.zeroGrad();
        return l;
      });
      const value = readLossAt(step) ? await loss.item() : null;
      loss.dispose();
      each(step, value);
    }
  } finally {
    x.dispose();
    y.dispose();
    opt.dispose();
    model.dispose();
  }
}

const sameMemory = (a: MemoryInfo, b: MemoryInfo) =>
  a.liveTensors === b.liveTensors && a.liveBuffers === b.liveBuffers && a.liveBytes === b.liveBytes && a.pooledBytes === b.pooledBytes;

const showMemory = (m: MemoryInfo) =>
  `${m.liveTensors} tensors, ${m.liveBuffers} buffers / ${m.liveBytes} B live, ${m.pooledBytes} B pooled`;

/** Runs first: everything after it depends on which adapter this is. */
export function adapterTest(rt: Runtime): BrowserTest {
  return {
    name: 'browser › the adapter describes itself',
    run: () => {
      const a = rt.adapter;
      assert(`${a.vendor}${a.architecture}${a.device}${a.description}`.length > 0, 'the adapter reports no vendor, architecture, device or description');
      return `${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ')}${a.isCPU ? ' (runs on the CPU)' : ''}`;
    },
  };
}

/** Run last, after the op suite's leak check, since they create (and dispose) models. */
export function trainingTests(): BrowserTest[] {
  return [
    {
      name: 'browser › a 2-layer MLP trains through navigator.gpu (loss falls)',
      run: async () => {
        const losses: number[] = [];
        await trainXor(150, (s) => s % 10 === 0 || s === 149, (_, l) => {
          if (l !== null) losses.push(l);
        });
        const shown = losses.map((l) => l.toFixed(3)).join(' ');
        assert(losses.every(Number.isFinite), `loss is not finite: ${shown}`);
        assert(losses[losses.length - 1] < 0.25 * losses[0], `loss fell from ${losses[0].toFixed(3)} to only ${losses[losses.length - 1].toFixed(3)} (want < 25%): ${shown}`);
        // Steadily: each 50-step window ends lower than the one before.
        assert(losses[5] < losses[0] && losses[10] < losses[5] && losses[15] < losses[10], `loss did not fall every 50 steps: ${shown}`);
        return `loss every 10 steps: ${shown}`;
      },
    },
    {
      name: 'browser › memory() is the same after step 10 and step 60 of training',
      run: async () => {
        const before = memory();
        const at = new Map<number, MemoryInfo>();
        // Reading the loss every step also exercises the readback staging buffers.
        await trainXor(61, () => true, (step) => {
          if (step === 10 || step === 60) at.set(step, memory());
        });
        const m10 = at.get(10);
        const m60 = at.get(60);
        assert(m10 && m60, 'training stopped before step 60');
        assert(sameMemory(m10, m60), `memory grew during training: step 10 ${showMemory(m10)}; step 60 ${showMemory(m60)}`);
        const after = memory();
        assert(after.liveTensors === before.liveTensors, `${after.liveTensors - before.liveTensors} tensors leaked by the training loop`);
        return `steady at ${showMemory(m60)}`;
      },
    },
  ];
}
