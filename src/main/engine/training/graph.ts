/**
 * Training-step graphs for a classifier head (linear, or an MLP with ReLU), built on our ONNX graph builder: one run
 * is forward pass, softmax cross-entropy loss, backward pass and optimizer update. The engine runs it K times and
 * keeps the weights between runs.
 *
 * The naming convention the engine relies on (any graph that follows it can be a fine-tune job):
 * - inputs `x` float [batch, D], `y` int64 [batch] (class labels), `lr` float [] (0 = evaluate only);
 * - a trainable tensor `param.NAME` is an input with an output `param.NAME.next` (its updated value);
 * - optimizer state `opt.NAME` likewise, with `opt.NAME.next`; it starts at zero;
 * - output `loss` float [] (the loss before the update); optional `logits` [batch, classes] and `grad.param.NAME`.
 */
import { GraphBuilder } from '../onnx/builder';

export interface ClassifierHead {
  inputs: number;
  /** Hidden layer widths; empty for a linear head. */
  hidden: number[];
  classes: number;
  optimizer: 'sgd' | 'adam';
  adam?: { beta1: number; beta2: number; epsilon: number };
  /** L2 weight decay added to the weight gradients (not to biases). */
  weightDecay?: number;
}

export interface ParamInfo {
  name: string;
  shape: number[];
}

/** The trainable tensors of a head, in order: `param.w0`, `param.b0`, `param.w1`, … */
export function headParams(head: ClassifierHead): ParamInfo[] {
  const widths = [head.inputs, ...head.hidden, head.classes];
  return widths.slice(1).flatMap((out, i) => [
    { name: `param.w${i}`, shape: [widths[i]!, out] },
    { name: `param.b${i}`, shape: [out] },
  ]);
}

export function buildTrainingGraph(head: ClassifierHead): Uint8Array {
  const g = new GraphBuilder('flywheel_train_step');
  const x = g.input('x', 'float', ['batch', head.inputs]);
  const y = g.input('y', 'int64', ['batch']);
  const lr = g.input('lr', 'float', []);
  const params = headParams(head);
  for (const p of params) g.input(p.name, 'float', p.shape);

  // Forward: z_i = h_i · W_i + b_i, h_{i+1} = relu(z_i); the last z is the logits.
  const layers = params.length / 2;
  const h: string[] = [x];
  const z: string[] = [];
  for (let i = 0; i < layers; i++) {
    z.push(g.op('Add', [g.op('MatMul', [h[i]!, `param.w${i}`]), `param.b${i}`]));
    if (i < layers - 1) h.push(g.op('Relu', [z[i]!]));
  }
  const logits = z[layers - 1]!;
  g.op('Identity', [logits], {}, 'logits');

  // Loss: mean over the batch of −Σ onehot(y) · log_softmax(logits).
  const oneHot = g.op(
    'OneHot',
    [y, g.scalar(head.classes, 'int64'), g.constant(g.fresh('onoff'), 'float', [2], [0, 1])],
    {
      axis: -1,
    },
  );
  const batch = g.op('Cast', [g.op('Gather', [g.op('Shape', [x]), g.scalar(0, 'int64')])], { to: 1 });
  const logp = g.op('LogSoftmax', [logits], { axis: 1 });
  const total = g.op('ReduceSum', [g.op('Mul', [oneHot, logp])], { keepdims: 0 });
  g.op('Neg', [g.op('Div', [total, batch])], {}, 'loss');

  // Backward: dL/dz_last = (softmax − onehot) / batch, then back through each layer.
  let dz = g.op('Div', [g.op('Sub', [g.op('Softmax', [logits], { axis: 1 }), oneHot]), batch]);
  const grads = new Map<string, string>();
  const axis0 = g.constant(g.fresh('axis0'), 'int64', [1], [0]);
  for (let i = layers - 1; i >= 0; i--) {
    let dw = g.op('MatMul', [g.op('Transpose', [h[i]!], { perm: [1, 0] }), dz]);
    if (head.weightDecay) dw = g.op('Add', [dw, g.op('Mul', [`param.w${i}`, g.scalar(head.weightDecay)])]);
    grads.set(`param.w${i}`, dw);
    grads.set(`param.b${i}`, g.op('ReduceSum', [dz, axis0], { keepdims: 0 }));
    if (i > 0) {
      const dh = g.op('MatMul', [dz, g.op('Transpose', [`param.w${i}`], { perm: [1, 0] })]);
      const active = g.op('Cast', [g.op('Greater', [z[i - 1]!, g.scalar(0)])], { to: 1 });
      dz = g.op('Mul', [dh, active]);
    }
  }

  for (const p of params) g.op('Identity', [grads.get(p.name)!], {}, `grad.${p.name}`);
  if (head.optimizer === 'sgd') {
    for (const p of params)
      g.op('Sub', [p.name, g.op('Mul', [lr, grads.get(p.name)!])], {}, `${p.name}.next`);
  } else {
    addAdam(g, params, grads, lr, head.adam ?? { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  }

  g.output('loss', 'float', []);
  g.output('logits', 'float', ['batch', head.classes]);
  for (const p of params) g.output(`${p.name}.next`, 'float', p.shape);
  if (head.optimizer === 'adam') {
    g.output('opt.step.next', 'float', []);
    for (const p of params) {
      g.output(`opt.m.${p.name}.next`, 'float', p.shape);
      g.output(`opt.v.${p.name}.next`, 'float', p.shape);
    }
  }
  for (const p of params) g.output(`grad.${p.name}`, 'float', p.shape);
  return g.build({ 'flywheel.graph': 'train-step/1', 'flywheel.optimizer': head.optimizer });
}

/** Adam with bias correction: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − lr·m̂ / (√v̂ + ε). */
function addAdam(
  g: GraphBuilder,
  params: ParamInfo[],
  grads: Map<string, string>,
  lr: string,
  { beta1, beta2, epsilon }: { beta1: number; beta2: number; epsilon: number },
): void {
  const step = g.input('opt.step', 'float', []);
  const nextStep = g.op('Add', [step, g.scalar(1)], {}, 'opt.step.next');
  const b1 = g.scalar(beta1);
  const b2 = g.scalar(beta2);
  const one = g.scalar(1);
  const correction1 = g.op('Sub', [one, g.op('Pow', [b1, nextStep])]);
  const correction2 = g.op('Sub', [one, g.op('Pow', [b2, nextStep])]);
  for (const p of params) {
    const m = g.input(`opt.m.${p.name}`, 'float', p.shape);
    const v = g.input(`opt.v.${p.name}`, 'float', p.shape);
    const grad = grads.get(p.name)!;
    const m2 = g.op(
      'Add',
      [g.op('Mul', [b1, m]), g.op('Mul', [g.scalar(1 - beta1), grad])],
      {},
      `opt.m.${p.name}.next`,
    );
    const v2 = g.op(
      'Add',
      [g.op('Mul', [b2, v]), g.op('Mul', [g.scalar(1 - beta2), g.op('Mul', [grad, grad])])],
      {},
      `opt.v.${p.name}.next`,
    );
    const mHat = g.op('Div', [m2, correction1]);
    const vHat = g.op('Div', [v2, correction2]);
    const update = g.op('Div', [mHat, g.op('Add', [g.op('Sqrt', [vHat]), g.scalar(epsilon)])]);
    g.op('Sub', [p.name, g.op('Mul', [lr, update])], {}, `${p.name}.next`);
  }
}
