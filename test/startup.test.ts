// Start-up: core's index is side-effect free and init()'s module completes the
// tensor API (op methods, gradient math). Deep imports are refused by the
// exports map; a program that reaches core's files another way, or a bundle
// that dropped init.js, gets an error saying to call init(), not a missing
// method. The imports below run in this file's own module graph (vitest
// isolates files), so nothing has loaded init.js before the first checks.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = (path: string) => join(root, 'packages', 'core', 'src', path);
const INIT = /call `await init\(\)` \(browsers\) or `await initNode\(\)` from "@bamgpu\/core\/node" first/;

test('a deep import through the package name is refused by the exports map', () => {
  const script = "import('@bamgpu/core/dist/ops/matmul.js').then(() => console.log('loaded'), (e) => console.log(e.code))";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(root, 'test'), encoding: 'utf8' });
  expect(r.stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
});

test('before init()\'s module runs, making a tensor, a default runtime or a backward pass says to call init()', async () => {
  const { tensor, zeros, arange, rand } = await import(src('ops/creation.ts'));
  const { setDefaultRuntime } = await import(src('tensor/state.ts'));
  const { backward } = await import(src('autograd/backward.ts'));
  for (const make of [() => tensor([1, 2]), () => zeros([2]), () => arange(3), () => rand([2])]) {
    expect(make).toThrow(/the tensor API is incomplete/);
    expect(make).toThrow(INIT);
  }
  expect(() => setDefaultRuntime({} as never)).toThrow(INIT);
  expect(() => backward({} as never)).toThrow(INIT);
});

test('the main entry completes the API on import; without a runtime the error still says to call init()', async () => {
  const core = await import(src('index.ts'));
  expect(typeof core.Tensor.prototype.add).toBe('function');
  expect(typeof core.Tensor.prototype.backward).toBe('function');
  expect(() => core.tensor([1, 2])).toThrow(/no GPU runtime/);
  expect(() => core.tensor([1, 2])).toThrow(INIT);
});
