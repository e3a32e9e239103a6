/**
 * What kind of model file a requester hands `flywheel job post`, checked before anything is stored or registered:
 * ONNX (decoded as an ONNX ModelProto with onnx-proto: it must hold a graph with at least one node) or GGUF (the
 * llama.cpp format, by its magic bytes "GGUF"). Anything else is refused with what it looks like instead.
 */
import pkg from 'onnx-proto';
import { FlywheelError } from '#shared/errors';

// onnx-proto is CommonJS: its values come through the default import (a named import fails at run time).
const { onnx } = pkg;

export type ModelFormat = 'onnx' | 'gguf';

const GGUF = [0x47, 0x47, 0x55, 0x46]; // "GGUF"

/** The model's format, or null when it is neither ONNX nor GGUF. */
export function modelFormat(bytes: Uint8Array): ModelFormat | null {
  if (bytes.length >= 4 && GGUF.every((b, i) => bytes[i] === b)) return 'gguf';
  try {
    const model = onnx.ModelProto.decode(bytes);
    return model.graph && (model.graph.node?.length ?? 0) > 0 ? 'onnx' : null;
  } catch {
    return null;
  }
}

/** Refuses a file that is not an ONNX or GGUF model, naming the file and what was found. */
export function checkModelFile(path: string, bytes: Uint8Array): ModelFormat {
  const format = modelFormat(bytes);
  if (format) return format;
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64));
  const looksText = bytes.length > 0 && /^[\t\n\r\x20-\x7e]*$/.test(head.slice(0, 32));
  throw new FlywheelError(`${path} is not an ONNX or GGUF model.`, {
    code: 'BAD_INPUT',
    details:
      bytes.length === 0
        ? 'the file is empty'
        : looksText
          ? `it starts with text: ${JSON.stringify(head.slice(0, 40))}`
          : `first bytes ${Buffer.from(bytes.subarray(0, 8)).toString('hex')}`,
    action: 'Give --model an .onnx file (an ONNX graph) or a .gguf file (a llama.cpp model).',
  });
}
