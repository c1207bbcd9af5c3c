/**
 * The example page: checks for WebGPU, loads the model folder, predicts what
 * the user types and fine-tunes with BAM, drawing the loss as it goes.
 *
 * State the tests read is on `window.bamgpuExample` (full-precision logits
 * and losses; the DOM shows them rounded) and in data-* attributes:
 * #status[data-kind] is "loading", "ready" or "error" (with data-reason
 * "no-webgpu", "no-adapter" or "load"); #predictions[data-state] and
 * #train-status[data-state] are "running", "done" or "error".
 */
import { init, type Runtime } from '@bamgpu/core';
import { drawLossChart } from './loss-chart.js';
import { fineTune, loadModel, predict, type FineTuneResult, type LoadedModel, type StepInfo, type TaskPrediction } from './engine.js';

export interface ExampleState {
  adapter: string | null;
  tasks: string[];
  lastPrediction: TaskPrediction[] | null;
  steps: StepInfo[];
  lastTraining: FineTuneResult | null;
  error: string | null;
}

declare global {
  interface Window {
    bamgpuExample: ExampleState;
  }
}

const state: ExampleState = { adapter: null, tasks: [], lastPrediction: null, steps: [], lastTraining: null, error: null };
window.bamgpuExample = state;

function $<T extends HTMLElement | SVGElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as unknown as T;
}

const status = $<HTMLDivElement>('status');

function setStatus(kind: 'loading' | 'ready' | 'error', text: string, reason?: string): void {
  status.dataset.kind = kind;
  if (reason) status.dataset.reason = reason;
  else delete status.dataset.reason;
  status.textContent = text;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * WebGPU in two checks, each with its own plain message: the API itself
 * (navigator.gpu: missing in browsers without WebGPU or with it switched
 * off), then an adapter (requestAdapter() may return null: blocklisted GPU,
 * no driver, software rendering off).
 */
async function startGpu(): Promise<Runtime | null> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    setStatus('error', 'WebGPU is not available in this browser (navigator.gpu is missing). Use a browser with WebGPU: Chrome or Edge 113+, Safari 26+, or Firefox 141+ on Windows; on Linux, Chrome with chrome://flags/#enable-unsafe-webgpu.', 'no-webgpu');
    return null;
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) {
    setStatus('error', 'This browser has WebGPU, but it found no GPU adapter to run on (requestAdapter() returned none): the GPU may be blocklisted, or its driver missing. Check chrome://gpu.', 'no-adapter');
    return null;
  }
  // init() asks again and opens the device with the limits the engine needs.
  return init({ gpu });
}

function renderPredictions(preds: readonly TaskPrediction[], lm: LoadedModel): void {
  const body = $<HTMLTableElement>('predictions').tBodies[0];
  body.replaceChildren();
  for (const p of preds) {
    const task = lm.tasks.find((t) => t.name === p.task)!;
    const row = body.insertRow();
    row.dataset.task = p.task;
    row.insertCell().textContent = p.task;
    const head = row.insertCell();
    head.textContent = p.label ?? (p.score !== undefined ? p.score.toFixed(2) : '');
    if (p.note) {
      const note = document.createElement('div');
      note.className = 'muted';
      note.textContent = p.note;
      head.append(note);
    }
    const detail = row.insertCell();
    if (p.probabilities) {
      p.probabilities.forEach((q, i) => {
        const span = document.createElement('span');
        span.className = 'prob';
        const bar = document.createElement('span');
        bar.className = 'bar';
        bar.style.width = `${Math.round(60 * q)}px`;
        span.append(bar, `${task.labels[i]} ${(100 * q).toFixed(1)}%`);
        detail.append(span);
      });
    } else {
      detail.textContent = `score ${p.score!.toFixed(3)} on [${task.range[0]}, ${task.range[1]}]`;
    }
  }
}

async function main(): Promise<void> {
  setStatus('loading', 'Looking for WebGPU…');
  const rt = await startGpu();
  if (!rt) return;
  const a = rt.adapter;
  state.adapter = [a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' / ') || 'unnamed adapter';
  $<HTMLParagraphElement>('adapter').textContent = `WebGPU adapter: ${state.adapter}${a.isCPU ? ' (a CPU implementation: expect it to be slow)' : ''}`;

  const modelUrl = new URL(new URLSearchParams(location.search).get('model') ?? './model/', location.href).toString();
  setStatus('loading', `Loading the model from ${modelUrl}…`);
  let lm: LoadedModel;
  try {
    lm = await loadModel(modelUrl);
  } catch (e) {
    state.error = message(e);
    setStatus('error', `Could not load the model from ${modelUrl}: ${state.error}. Write one with \`node examples/web/export-model.mjs\` (see examples/web/README.md).`, 'load');
    return;
  }
  state.tasks = lm.tasks.map((t) => t.name);
  const c = lm.model.config;
  setStatus('ready', `Model: BERT, hidden ${c.hiddenSize}, ${c.numHiddenLayers} layers, vocabulary ${c.vocabSize}; tasks ${state.tasks.join(', ')}.`);
  $<HTMLElement>('app').hidden = false;

  const text = $<HTMLTextAreaElement>('text');
  const predictButton = $<HTMLButtonElement>('predict');
  const trainButton = $<HTMLButtonElement>('train');
  const table = $<HTMLTableElement>('predictions');
  const trainStatus = $<HTMLParagraphElement>('train-status');
  const chart = $<SVGSVGElement>('chart');
  // Words of the synthetic suite's vocabulary (a word outside it becomes [UNK]).
  text.value = 'the kind doctor helps a little cat . ||| a little cat is helped by the doctor .';

  // One GPU job at a time: both buttons wait while either runs.
  const busy = (on: boolean) => {
    predictButton.disabled = on;
    trainButton.disabled = on;
  };

  const runPredict = async () => {
    table.dataset.state = 'running';
    try {
      const preds = await predict(lm, text.value);
      state.lastPrediction = preds;
      renderPredictions(preds, lm);
      const ids = preds.find((p) => p.read === 'two')?.inputIds ?? preds[0]?.inputIds ?? [];
      $<HTMLSpanElement>('tokens').textContent = ` ${ids.length} tokens: ${lm.tokenizer.convertIdsToTokens(ids).join(' ')}`;
      table.dataset.state = 'done';
    } catch (e) {
      state.error = message(e);
      table.dataset.state = 'error';
      $<HTMLSpanElement>('tokens').textContent = ` error: ${state.error}`;
    }
  };

  predictButton.addEventListener('click', async () => {
    busy(true);
    await runPredict();
    busy(false);
  });

  trainButton.addEventListener('click', async () => {
    const steps = Number($<HTMLInputElement>('steps').value);
    const examplesPerTask = Number($<HTMLInputElement>('examples').value);
    const lr = Number($<HTMLInputElement>('lr').value);
    busy(true);
    trainStatus.dataset.state = 'running';
    trainStatus.textContent = 'Preparing the examples and the teacher’s predictions (the first steps compile the GPU kernels)…';
    state.steps = [];
    const redraw = () =>
      drawLossChart(chart, [
        { name: 'BAM loss (annealed targets)', color: '#4c8bf5', values: state.steps.map((s) => s.bamLoss) },
        { name: 'loss against gold labels', color: '#d1242f', values: state.steps.map((s) => s.goldLoss) },
      ], steps);
    redraw();
    try {
      const t0 = performance.now();
      const result = await fineTune(lm, {
        steps,
        examplesPerTask,
        lr,
        onStep: (info) => {
          state.steps.push(info);
          redraw();
          trainStatus.textContent = `step ${info.step + 1} of ${steps}: BAM loss ${info.bamLoss.toFixed(4)}, gold loss ${info.goldLoss.toFixed(4)}, λ ${info.lambda.toFixed(2)}`;
        },
      });
      state.lastTraining = result;
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      trainStatus.textContent = `${steps} steps on ${result.examples} examples (${result.tasks.length} tasks) in ${secs} s. Gold loss in eval mode: ${result.evalGoldLossBefore.toFixed(4)} before, ${result.evalGoldLossAfter.toFixed(4)} after.`;
      trainStatus.dataset.state = 'done';
      await runPredict(); // the table shows the fine-tuned model
    } catch (e) {
      state.error = message(e);
      trainStatus.textContent = `Fine-tuning failed: ${state.error}`;
      trainStatus.dataset.state = 'error';
    }
    busy(false);
  });

  busy(true);
  await runPredict();
  busy(false);
}

main().catch((e) => {
  state.error = message(e);
  setStatus('error', `Something went wrong: ${state.error}`, 'load');
});
