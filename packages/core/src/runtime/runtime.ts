import { DeviceError } from '../errors.js';
import { BindGroupCache, boundSize } from './bind-groups.js';
import { BufferPool, type PoolStats } from './buffer-pool.js';
import type { BufferRange, Kernel, Workgroups } from './kernel.js';
import { buildProfile, checkFlags, parseFlags, type DeviceProfile, type ProfileFlags } from './policy.js';
import { SettleEstimator, waitStrategy, type WaitKind, type WaitThrottle } from './settle.js';

/** What the adapter says about itself, plus whether it runs on the CPU. */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** lavapipe / llvmpipe / SwiftShader: kernels run on CPU cores and want different layouts. */
  isCPU: boolean;
  features: string[];
}

export interface RuntimeOptions {
  /** Adapter facts when the caller created the device itself. */
  adapterInfo?: Partial<Omit<AdapterDescription, 'isCPU' | 'features'>>;
  /** Dispatches recorded before a submit is forced (keeps the GPU fed). */
  maxDispatchesPerSubmit?: number;
  /** Bind groups kept for reuse (bind-groups.ts); 0 makes one per dispatch. */
  bindGroupCacheSize?: number;
  /**
   * On CPU adapters, sleep before each wait for most of the time the same
   * work took before (settle.ts), because the WebGPU implementation polls a
   * core while a wait is pending and there that core is the GPU's: dawn.node
   * does (initNode sets this). Browsers wait without polling, so off by default.
   */
  sleepBeforeWaits?: boolean;
  /** On CPU adapters, wraps every wait on the GPU (initNode's throttles dawn.node's polling: settle.ts). */
  waitThrottle?: WaitThrottle;
  /** Device-profile overrides (runtime/policy.ts), as entries or "matmul=tiled,…"; initNode adds BAMGPU_FLAGS under them. */
  flags?: ProfileFlags | string;
}

/** Uniform slots are this far apart: WebGPU's minUniformBufferOffsetAlignment is at most 256. */
const PARAM_SLOT = 256;
const PARAM_ARENA_SLOTS = 2048;
/** Bind groups kept for reuse by default (bind-groups.ts): a few BERT-base training steps' worth of distinct dispatches. */
export const BIND_GROUP_CACHE_SIZE = 4096;
/** Compute passes one timeGPU() call can time (each pass writes two timestamps). */
const TIMING_MAX_PASSES = 256;
/** Dispatches a per-kernel timeGPU() call can time, each in its own pass; later ones run untimed. */
const PROFILE_MAX_PASSES = 2048; // 4096 timestamp queries: WebGPU's maximum query-set size

/** GPU objects a kernel family keeps between calls: counted by memory(), freed by trim(). */
export interface ScratchCache {
  bytes(): number;
  drop(): void;
}

/** GPU time of one kernel (by key) inside a timeGPU(fn, { perKernel: true }) call. */
export interface KernelTime {
  key: string;
  dispatches: number;
  ms: number;
}

interface PipelineEntry {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Unique per compiled pipeline: part of the work signature settle.ts keys on. */
  id: number;
}

const FNV_PRIME = 16777619;

/** Folds one dispatch (pipeline id and workgroup counts) into a 32-bit FNV-1a style hash; unrolled, it allocates nothing per dispatch. */
function mixDispatch(h: number, id: number, x: number, y: number, z: number): number {
  h = Math.imul(h ^ id, FNV_PRIME);
  h = Math.imul(h ^ x, FNV_PRIME);
  h = Math.imul(h ^ y, FNV_PRIME);
  return Math.imul(h ^ z, FNV_PRIME);
}

const WORK_HASH_SEED = 2166136261;

const CPU_ADAPTER = /llvmpipe|lavapipe|swiftshader|software|cpu/i;

function describe(device: GPUDevice, given: RuntimeOptions['adapterInfo']): AdapterDescription {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const vendor = given?.vendor ?? info?.vendor ?? '';
  const architecture = given?.architecture ?? info?.architecture ?? '';
  const dev = given?.device ?? info?.device ?? '';
  const description = given?.description ?? info?.description ?? '';
  const all = `${vendor} ${architecture} ${dev} ${description}`;
  return {
    vendor,
    architecture,
    device: dev,
    description,
    isCPU: CPU_ADAPTER.test(all),
    features: [...device.features].map(String).sort(),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Owns one GPUDevice: buffers, pipelines, and the command stream. Dispatches
 * are recorded into one compute pass and submitted in batches; anything that
 * must reach the CPU goes through `read`, the only place that waits.
 */
export class Runtime {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
  readonly pool: BufferPool;
  readonly hasF16: boolean;
  readonly hasTimestamps: boolean;
  readonly limits: GPUSupportedLimits;
  maxDispatchesPerSubmit: number;

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  private readonly pipelines = new Map<string, PipelineEntry>();
  private readonly caches = new Map<string, ScratchCache>();
  private readonly bindGroups: BindGroupCache;
  private readonly paramArena: GPUBuffer;
  /** Bind group 1 of every kernel with params: one uniform binding, a slot of the arena. */
  private readonly paramsLayout: GPUBindGroupLayout;
  /** Bind groups of arena slots, by offset and size (they only ever name the arena, so they never go stale). */
  private readonly paramGroups = new Map<number, GPUBindGroup>();
  private readonly paramBytes = new ArrayBuffer(PARAM_SLOT * PARAM_ARENA_SLOTS);
  private readonly paramView = new DataView(this.paramBytes);
  private paramSlots = 0;
  /** Staging buffers for uploads recorded in the open batch; destroyed after submit. */
  private uploads: GPUBuffer[] = [];
  private readonly readStaging: GPUBuffer[] = [];
  private lostMessage: string | null = null;
  private readonly errors: string[] = [];
  /** How long to sleep before a wait on CPU adapters, instead of letting dawn.node busy-poll a GPU core. */
  private readonly settler = new SettleEstimator();
  private readonly givenThrottle: WaitThrottle | null;
  /** The throttle waits run in, if the wait strategy uses it. */
  private waitThrottle: WaitThrottle | null = null;
  /** RuntimeOptions.sleepBeforeWaits: the binding polls while waits are pending. */
  private readonly bindingPolls: boolean;
  private sleeps = false;
  private current: DeviceProfile;
  private dispatchesSinceRead = 0;
  /** Hash of the dispatches since the last wait (mixDispatch). */
  private workHash = WORK_HASH_SEED;
  private pipelineCount = 0;
  private pipelineMs = 0;
  /** While timing: the query set and how many passes have written begin/end pairs into it. */
  private timing: { querySet: GPUQuerySet; passes: number; maxPasses: number; resolved: GPUBuffer[]; keys: string[] | null } | null = null;

  constructor(device: GPUDevice, options: RuntimeOptions = {}) {
    this.device = device;
    this.adapter = describe(device, options.adapterInfo);
    this.pool = new BufferPool(device);
    this.hasF16 = device.features.has('shader-f16');
    this.hasTimestamps = device.features.has('timestamp-query');
    this.limits = device.limits;
    this.maxDispatchesPerSubmit = options.maxDispatchesPerSubmit ?? 512;
    this.bindingPolls = options.sleepBeforeWaits ?? false;
    this.givenThrottle = options.waitThrottle ?? null;
    const flags = options.flags ?? {};
    this.current = buildProfile(this.adapter.isCPU, typeof flags === 'string' ? parseFlags(flags, 'RuntimeOptions.flags') : checkFlags(flags));
    this.applyWaitStrategy();
    this.bindGroups = new BindGroupCache(options.bindGroupCacheSize ?? BIND_GROUP_CACHE_SIZE);
    this.paramsLayout = device.createBindGroupLayout({
      label: 'params',
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } }],
    });
    this.paramArena = device.createBuffer({
      size: this.paramBytes.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    void device.lost.then((info) => {
      this.lostMessage = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
    device.addEventListener('uncapturederror', (ev) => {
      this.errors.push((ev as GPUUncapturedErrorEvent).error.message);
    });
  }

  /** Whether waits sleep first (the profile's wait strategy: settle.ts waitStrategy). */
  get sleepsBeforeWaits(): boolean {
    return this.sleeps;
  }

  /** Every per-adapter choice (runtime/policy.ts): kernel variants, layouts, the wait strategy. */
  get profile(): DeviceProfile {
    return this.current;
  }

  /**
   * Runs `fn` with `flags` applied over the profile, then restores it (after
   * the promise settles, if `fn` returns one). Tests force each variant so;
   * work recorded meanwhile, gradients included, follows the overrides.
   */
  withProfile<T>(flags: ProfileFlags, fn: () => T): T {
    const saved = this.current;
    this.current = buildProfile(this.adapter.isCPU, { ...saved, ...checkFlags(flags) });
    this.applyWaitStrategy();
    const restore = () => {
      this.current = saved;
      this.applyWaitStrategy();
    };
    let result: T;
    try {
      result = fn();
    } catch (e) {
      restore();
      throw e;
    }
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  }

  private applyWaitStrategy(): void {
    const strategy = waitStrategy(this.current, this.bindingPolls);
    this.sleeps = strategy === 'sleep';
    this.waitThrottle = strategy === 'plain' ? null : this.givenThrottle;
  }

  /** Throws if the device is gone or a GPU error was reported since the last check. */
  checkAlive(): void {
    if (this.lostMessage !== null) throw new DeviceError(`GPU device lost (${this.lostMessage}); create a new runtime`);
    if (this.errors.length > 0) {
      const msgs = this.errors.splice(0);
      throw new DeviceError(`GPU reported an error: ${msgs.join('\n')}`);
    }
  }

  get isLost(): boolean {
    return this.lostMessage !== null;
  }

  memory(): PoolStats & { cacheBytes: number } {
    let cacheBytes = 0;
    for (const c of this.caches.values()) cacheBytes += c.bytes();
    return { ...this.pool.stats(), cacheBytes };
  }

  /**
   * Kernel families that keep GPU objects between calls (the texture matmul's
   * scratch textures) register them here, so memory() counts their bytes and
   * trim() frees them. Registering a name again replaces the entry.
   */
  registerCache(name: string, cache: ScratchCache): void {
    this.caches.set(name, cache);
  }

  /** Keys of the pipelines compiled so far: which kernel variants actually ran. */
  pipelineKeys(): string[] {
    return [...this.pipelines.keys()];
  }

  /** Bind groups kept for reuse, and how many dispatches found theirs there (hits) or made one (misses). */
  bindGroupStats(): { size: number; hits: number; misses: number } {
    return { size: this.bindGroups.size, hits: this.bindGroups.hits, misses: this.bindGroups.misses };
  }

  /** Pipelines compiled so far and the milliseconds spent creating them. */
  pipelineStats(): { count: number; ms: number } {
    return { count: this.pipelineCount, ms: this.pipelineMs };
  }

  private pipelineFor(kernel: Kernel): PipelineEntry {
    let entry = this.pipelines.get(kernel.key);
    if (entry) return entry;
    const t0 = performance.now();
    const entries: GPUBindGroupLayoutEntry[] = [];
    kernel.storage.forEach((access, i) => {
      entries.push({
        binding: i + 1,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: access === 'read' ? 'read-only-storage' : 'storage' },
      });
    });
    for (let i = 0; i < (kernel.textures ?? 0); i++) {
      entries.push({
        binding: kernel.storage.length + 1 + i,
        visibility: GPUShaderStage.COMPUTE,
        texture: { sampleType: 'unfilterable-float', viewDimension: '2d' },
      });
    }
    const layout = this.device.createBindGroupLayout({ entries, label: kernel.key });
    const code = kernel.source();
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code, label: kernel.key });
    const pipeline = this.device.createComputePipeline({
      label: kernel.key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: kernel.params.fields.length > 0 ? [layout, this.paramsLayout] : [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    void this.device.popErrorScope().then((err) => {
      if (err) this.errors.push(`kernel ${kernel.key} failed to compile: ${err.message}\n--- WGSL ---\n${numbered(code)}`);
    });
    // pipelineCount only grows (trim() keeps it), so it numbers pipelines uniquely.
    entry = { pipeline, layout, id: this.pipelineCount++ };
    this.pipelines.set(kernel.key, entry);
    this.pipelineMs += performance.now() - t0;
    return entry;
  }

  private openPass(): GPUComputePassEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) {
      const t = this.timing;
      if (t && t.passes < t.maxPasses) {
        this.pass = this.encoder.beginComputePass({
          timestampWrites: { querySet: t.querySet, beginningOfPassWriteIndex: 2 * t.passes, endOfPassWriteIndex: 2 * t.passes + 1 },
        });
        t.passes++;
      } else this.pass = this.encoder.beginComputePass();
    }
    return this.pass;
  }

  private closePass(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    return this.encoder;
  }

  /**
   * Runs `fn` (which records GPU work) and measures it: GPU time from
   * timestamp queries summed over the compute passes it used (null where
   * the adapter has no timestamps), and wall time until the work completed.
   * With `perKernel`, every dispatch gets its own pass and `kernels` lists
   * GPU time per kernel key, largest first: a profile, at the price of a
   * pass boundary between every two dispatches.
   */
  async timeGPU(fn: () => void, opts: { perKernel?: boolean } = {}): Promise<{ gpuMs: number | null; wallMs: number; kernels?: KernelTime[] }> {
    await this.sync();
    const useTimestamps = this.hasTimestamps;
    if (useTimestamps) {
      const maxPasses = opts.perKernel ? PROFILE_MAX_PASSES : TIMING_MAX_PASSES;
      this.timing = { querySet: this.device.createQuerySet({ type: 'timestamp', count: 2 * maxPasses }), passes: 0, maxPasses, resolved: [], keys: opts.perKernel ? [] : null };
    }
    const t0 = performance.now();
    try {
      this.closePass();
      fn();
      this.closePass();
    } finally {
      // Leaves timing mode before any await, so other work isn't timed.
    }
    const timing = this.timing;
    this.timing = null;
    let gpuMs: number | null = null;
    let kernels: KernelTime[] | undefined;
    if (timing && timing.passes > 0) {
      const bytes = 16 * timing.passes;
      const resolveBuf = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.closePass().resolveQuerySet(timing.querySet, 0, 2 * timing.passes, resolveBuf, 0);
      const data = new BigUint64Array(await this.read({ buffer: resolveBuf, offset: 0, size: bytes }, bytes));
      let ns = 0n;
      const byKey = new Map<string, KernelTime>();
      for (let i = 0; i < timing.passes; i++) {
        const d = data[2 * i + 1] > data[2 * i] ? data[2 * i + 1] - data[2 * i] : 0n;
        ns += d;
        const key = timing.keys?.[i];
        if (key !== undefined) {
          const k = byKey.get(key) ?? { key, dispatches: 0, ms: 0 };
          k.dispatches++;
          k.ms += Number(d) / 1e6;
          byKey.set(key, k);
        }
      }
      gpuMs = Number(ns) / 1e6;
      if (timing.keys) kernels = [...byKey.values()].sort((a, b) => b.ms - a.ms);
      resolveBuf.destroy();
    } else {
      await this.sync();
    }
    const wallMs = performance.now() - t0;
    timing?.querySet.destroy();
    return kernels ? { gpuMs, wallMs, kernels } : { gpuMs, wallMs };
  }

  /** Records one dispatch. Buffers must not alias a read_write binding. */
  dispatch(
    kernel: Kernel,
    buffers: readonly BufferRange[],
    params: Record<string, number>,
    workgroups: Workgroups,
    textures: readonly GPUTextureView[] = [],
  ): void {
    this.checkAlive();
    if (buffers.length !== kernel.storage.length) {
      throw new Error(`kernel ${kernel.key} takes ${kernel.storage.length} buffers, got ${buffers.length}`);
    }
    if (textures.length !== (kernel.textures ?? 0)) {
      throw new Error(`kernel ${kernel.key} takes ${kernel.textures ?? 0} textures, got ${textures.length}`);
    }
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const maxDim = this.limits.maxComputeWorkgroupsPerDimension;
    if (x > maxDim || y > maxDim || z > maxDim) {
      throw new Error(`kernel ${kernel.key}: ${x}×${y}×${z} workgroups exceed the limit ${maxDim}; use splitWorkgroups`);
    }
    const { pipeline, layout, id } = this.pipelineFor(kernel);
    let paramGroup: GPUBindGroup | null = null;
    if (kernel.params.fields.length > 0) {
      const bytes = kernel.params.byteSize;
      const slots = Math.ceil(bytes / PARAM_SLOT);
      if (this.paramSlots + slots > PARAM_ARENA_SLOTS) this.flush();
      const offset = this.paramSlots * PARAM_SLOT;
      kernel.params.pack(params, this.paramView, offset);
      this.paramSlots += slots;
      paramGroup = this.paramGroup(offset, Math.ceil(bytes / 16) * 16);
    }
    const bindGroup = this.bindGroups.get(this.bindGroups.key(kernel.key, buffers, textures), () => {
      const entries: GPUBindGroupEntry[] = buffers.map((b, i) => ({ binding: i + 1, resource: { buffer: b.buffer, offset: b.offset, size: boundSize(b.size) } }));
      textures.forEach((view, i) => entries.push({ binding: buffers.length + 1 + i, resource: view }));
      return this.device.createBindGroup({ layout, entries });
    });
    const t = this.timing;
    if (t?.keys && t.passes < t.maxPasses) {
      // Profiling: this dispatch alone in a pass, whose timestamps are its own.
      this.closePass();
      t.keys[t.passes] = kernel.key;
    }
    const pass = this.openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    if (paramGroup) pass.setBindGroup(1, paramGroup);
    pass.dispatchWorkgroups(x, y, z);
    this.dispatchesSinceRead++;
    // Only waits that sleep use the signature (settle.ts): no hashing on GPUs.
    if (this.sleeps) this.workHash = mixDispatch(this.workHash, id, x, y, z);
    if (++this.dispatches >= this.maxDispatchesPerSubmit) this.flush();
  }

  private paramGroup(offset: number, size: number): GPUBindGroup {
    const key = offset * 65536 + size;
    let group = this.paramGroups.get(key);
    if (!group) {
      group = this.device.createBindGroup({ layout: this.paramsLayout, entries: [{ binding: 0, resource: { buffer: this.paramArena, offset, size } }] });
      this.paramGroups.set(key, group);
    }
    return group;
  }

  /** Records a buffer-to-buffer copy, in order with the dispatches around it. */
  copy(src: BufferRange, dst: BufferRange, size: number): void {
    this.checkAlive();
    if (size === 0) return;
    this.closePass().copyBufferToBuffer(src.buffer, src.offset, dst.buffer, dst.offset, size);
  }

  /**
   * Records a copy of `height` rows of `width` texels from a buffer into the
   * top-left of a texture, in order with the dispatches around it.
   * `bytesPerRow` must be a multiple of 256 and `src.offset` of the texel size.
   */
  copyToTexture(src: BufferRange, bytesPerRow: number, dst: GPUTexture, width: number, height: number): void {
    this.checkAlive();
    if (width === 0 || height === 0) return;
    this.closePass().copyBufferToTexture({ buffer: src.buffer, offset: src.offset, bytesPerRow }, { texture: dst }, [width, height]);
  }

  /** Writes bytes into a buffer, ordered after everything recorded so far. */
  upload(dst: BufferRange, data: ArrayBufferView): void {
    this.checkAlive();
    const size = data.byteLength;
    if (size === 0) return;
    const padded = Math.ceil(size / 4) * 4;
    const src = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, size);
    if (!this.encoder) {
      // Nothing recorded yet: the queue write lands in order with later submits.
      if (padded === size) this.device.queue.writeBuffer(dst.buffer, dst.offset, src);
      else {
        const tmp = new Uint8Array(padded);
        tmp.set(src);
        this.device.queue.writeBuffer(dst.buffer, dst.offset, tmp);
      }
      return;
    }
    // Commands are pending that may still use dst's old contents (pooled
    // buffers are recycled within a batch), so stage and copy in order.
    const staging = this.device.createBuffer({ size: padded, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    new Uint8Array(staging.getMappedRange()).set(src);
    staging.unmap();
    this.uploads.push(staging);
    this.closePass().copyBufferToBuffer(staging, 0, dst.buffer, dst.offset, padded);
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.checkAlive();
    const encoder = this.closePass();
    if (this.paramSlots > 0) {
      this.device.queue.writeBuffer(this.paramArena, 0, this.paramBytes, 0, this.paramSlots * PARAM_SLOT);
    }
    this.device.queue.submit([encoder.finish()]);
    this.encoder = null;
    this.dispatches = 0;
    this.paramSlots = 0;
    for (const b of this.uploads) b.destroy();
    this.uploads = [];
    // Buffers the pool dropped while recorded commands still used them die only now.
    this.pool.destroyDeferred();
  }

  private acquireReadStaging(size: number): GPUBuffer {
    const i = this.readStaging.findIndex((b) => b.size >= size && b.size <= size * 2);
    if (i >= 0) return this.readStaging.splice(i, 1)[0];
    return this.device.createBuffer({ size: Math.max(256, Math.ceil(size / 256) * 256), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Copies a buffer range to the CPU. Submits pending work first. */
  async read(src: BufferRange, size: number): Promise<ArrayBuffer> {
    this.checkAlive();
    const padded = Math.max(4, Math.ceil(size / 4) * 4);
    const staging = this.acquireReadStaging(padded);
    this.closePass().copyBufferToBuffer(src.buffer, src.offset, staging, 0, padded);
    const lost = this.device.lost.then(() => {
      throw new DeviceError(`GPU device lost during a read (${this.lostMessage ?? 'unknown reason'})`);
    });
    await this.waitFor('read', () => Promise.race([staging.mapAsync(GPUMapMode.READ, 0, padded), lost]));
    const out = staging.getMappedRange(0, padded).slice(0, size);
    staging.unmap();
    if (this.readStaging.length < 8) this.readStaging.push(staging);
    else staging.destroy();
    this.checkAlive();
    return out;
  }

  /**
   * Submits everything recorded and waits on it with `wait` (a map or
   * onSubmittedWorkDone). On a CPU adapter with sleepBeforeWaits it sleeps
   * first for most of the time the same work took before, and the wait
   * itself runs inside the waitThrottle (settle.ts): dawn.node polls a core
   * while a wait is pending, and there that core is the GPU's.
   */
  private async waitFor(kind: WaitKind, wait: () => Promise<unknown>): Promise<void> {
    // Nothing dispatched since the last wait: nothing worth sleeping on or learning from.
    const work = this.dispatchesSinceRead > 0 && this.sleeps ? `${this.dispatchesSinceRead}:${this.workHash >>> 0}` : null;
    this.dispatchesSinceRead = 0;
    this.workHash = WORK_HASH_SEED;
    this.flush();
    const t0 = performance.now();
    const sleepMs = work ? this.settler.sleepMs(kind, work) : 0;
    if (sleepMs > 0) await sleep(sleepMs);
    await (this.waitThrottle ? this.waitThrottle.around(wait) : wait());
    if (work) this.settler.note(kind, work, performance.now() - t0);
  }

  /** Waits until the GPU has finished everything submitted. */
  async sync(): Promise<void> {
    await this.waitFor('sync', () => this.device.queue.onSubmittedWorkDone());
    this.checkAlive();
  }

  /** Drops pooled buffers and cached pipelines; the device stays usable. */
  trim(): void {
    // Recorded commands may still name cached objects: submit them before dropping anything.
    this.flush();
    for (const c of this.caches.values()) c.drop();
    this.bindGroups.clear();
    this.pool.trim();
    for (const b of this.readStaging) b.destroy();
    this.readStaging.length = 0;
  }

  destroy(): void {
    this.trim();
    this.paramArena.destroy();
    this.device.destroy();
  }
}

function numbered(code: string): string {
  return code
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(4)}  ${l}`)
    .join('\n');
}
