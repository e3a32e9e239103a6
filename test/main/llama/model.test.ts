import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { ggufHeader, toHalf } from '../../../src/main/engine/llama/gguf';
import {
  cachedLlamaGguf,
  llamaVocab,
  makeLlamaGguf,
  sha256,
  tinyLlama,
  tinyLlamaSha256,
} from '../../../src/main/engine/llama/randomModel';

const dir = mkdtempSync(join(tmpdir(), 'flywheel-llama-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Whole generations on two busy CI cores: minutes, not the default 30 s (a timed-out generation keeps its
// native threads busy into the next test).
describe('the project’s random-weight llama', { timeout: 180_000 }, () => {
  it('is the same bytes on every machine, under 10 MB, and cached by its pinned sha256', () => {
    const bytes = makeLlamaGguf(tinyLlama);
    expect(bytes.byteLength).toBeLessThan(10 * 2 ** 20);
    expect(sha256(bytes)).toBe(tinyLlamaSha256);
    const first = cachedLlamaGguf(tinyLlama, dir);
    expect(sha256(first.bytes)).toBe(tinyLlamaSha256);
    // A cached file that was tampered with is made again.
    writeFileSync(first.path, bytes.subarray(0, 1000));
    expect(sha256(cachedLlamaGguf(tinyLlama, dir).bytes)).toBe(tinyLlamaSha256);
  });

  it('declares a llama that node-llama-cpp’s GGUF reader reads back', async () => {
    const { path } = cachedLlamaGguf(tinyLlama, dir);
    const info = await readGgufFileInfo(path);
    expect(info.version).toBe(3);
    expect(info.tensorCount).toBe(3 + 9 * tinyLlama.layers);
    const meta = info.metadata as unknown as {
      general: { architecture: string };
      llama: { context_length: number; embedding_length: number; block_count: number };
      tokenizer: { ggml: { model: string; tokens: string[] } };
    };
    expect(meta.general.architecture).toBe('llama');
    expect(meta.llama).toMatchObject({ context_length: 512, embedding_length: 128, block_count: 2 });
    expect(meta.tokenizer.ggml.model).toBe('llama');
    expect(meta.tokenizer.ggml.tokens).toHaveLength(354);
  });

  it('loads in llama.cpp, tokenizes text back to itself (bytes for what is not ASCII) and generates', async () => {
    const { path } = cachedLlamaGguf(tinyLlama, dir);
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    try {
      const model = await llama.loadModel({ modelPath: path });
      for (const text of ['Hello world, 42!', 'naïve → ok']) {
        expect(model.detokenize(model.tokenize(text))).toBe(text);
      }
      const context = await model.createContext({ contextSize: 64, threads: 1 });
      const generated: number[] = [];
      for await (const token of context
        .getSequence()
        .evaluate([model.tokens.bos!, ...model.tokenize('Hi')], { temperature: 0 })) {
        generated.push(token);
        if (generated.length === 8) break;
      }
      expect(generated).toHaveLength(8);
      await context.dispose();
      await model.dispose();
    } finally {
      await llama.dispose();
    }
  });

  it('has a SentencePiece vocabulary: specials, 256 bytes, ▁ and ASCII, then pieces up to the size asked', () => {
    const small = llamaVocab(354);
    expect(small.tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(small.tokens[259]).toBe('\u2581');
    const big = llamaVocab(32_000);
    expect(new Set(big.tokens).size).toBe(32_000);
    expect(() => llamaVocab(100)).toThrow(/at least 354/);
  });

  it('tells a GGUF header from other bytes, and writes halves as IEEE 754 does', () => {
    expect(ggufHeader(makeLlamaGguf(tinyLlama))).toEqual({ ok: true, version: 3 });
    expect(ggufHeader(new Uint8Array(10))).toMatchObject({ ok: false, reason: /too short/ });
    expect(ggufHeader(new TextEncoder().encode('<html>not a model at all, sorry</html>'))).toMatchObject({
      ok: false,
      reason: /magic/,
    });
    expect([1, -2, 65504, 0.5, 2 ** -24, 0].map(toHalf)).toEqual([0x3c00, 0xc000, 0x7bff, 0x3800, 0x0001, 0]);
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });
});
