import type { JobDetail, OutputPreview } from '#shared/api';
import { Card } from '../../components/feedback';
import { formatTokensPerS } from '../../components/TextProgress';
import { isWorking } from '../../lib/jobs';
import { useNodeStatus } from '../../lib/network';

type TextPreview = Extract<OutputPreview, { kind: 'text' }>;
type Piece = NonNullable<TextPreview['pieces']>[number];

/** Why generation ended, in words. */
export function finishText(preview: Pick<TextPreview, 'finishReason' | 'maxTokens'>): string {
  switch (preview.finishReason) {
    case 'length':
      return preview.maxTokens !== undefined
        ? `stopped at max_tokens (${preview.maxTokens})`
        : 'stopped at max_tokens';
    case 'stop':
      return 'stopped at a stop string';
    case 'eos':
      return 'the model ended the sequence';
  }
}

/**
 * A text-generation job on its page: the prompt, the tokens so far while this node runs it (tokens/s and the time
 * left are in the job's progress bar, LocalStep), then the generated text with why it stopped and each token's
 * logprob — what a validator re-scores under the `logprob` policy. Nothing for other jobs.
 */
export function TextGeneration({ job }: { job: JobDetail }) {
  const devnet = useNodeStatus().data?.network.kind === 'devnet';
  const preview = job.preview?.kind === 'text' ? job.preview : null;
  const live = job.local?.generation ?? null;
  if (!preview && !live) return null;
  const prompt = preview?.prompt ?? live?.prompt;
  const generating = !preview && live !== null && job.local !== null && isWorking(job.local.step);
  return (
    <Card title="Text generation">
      <div className="stack" data-testid="text-generation">
        {devnet && (
          <p className="muted" data-testid="random-weights-note">
            The language model the devnet registers has fixed-seed random weights — it is not trained, so its
            text is gibberish (the same on every machine). A trained model posted by its URI writes real text.
          </p>
        )}
        {prompt !== undefined && (
          <figure className="preview">
            <figcaption>Prompt</figcaption>
            <pre className="ocr-text" data-testid="text-prompt">
              {prompt}
            </pre>
          </figure>
        )}
        {generating && (
          <p className="muted" data-testid="text-pending">
            Generating: {live.tokens} of at most {live.maxTokens} tokens so far (the progress above). The text
            shows here once the model stops.
          </p>
        )}
        {preview && <Generated preview={preview} />}
      </div>
    </Card>
  );
}

function Generated({ preview }: { preview: TextPreview }) {
  const tokens =
    preview.maxTokens !== undefined
      ? `${preview.tokens} / ${preview.maxTokens} tokens`
      : `${preview.tokens} tokens`;
  return (
    <>
      <figure className="preview">
        <figcaption>Generated text</figcaption>
        <pre className="ocr-text" data-testid="generated-text">
          {preview.text || '(no text: the tokens decode to nothing printable)'}
        </pre>
      </figure>
      <p data-testid="text-stats">
        {tokens}, {finishText(preview)} · generation {formatTokensPerS(preview.tokensPerS)} · prompt{' '}
        {preview.promptTokens} tokens at {formatTokensPerS(preview.promptTokensPerS)}
      </p>
      {preview.pieces && preview.pieces.length > 0 && <Logprobs pieces={preview.pieces} />}
    </>
  );
}

/** A token's text with its invisible characters made visible: "␣the", "↵". */
function visible(text: string): string {
  return text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥') || '∅';
}

/**
 * Each generated token with its logprob and probability, as a table (readable by screen readers and keyboard) with
 * a bar for the probability: the model's confidence, token by token.
 */
function Logprobs({ pieces }: { pieces: Piece[] }) {
  return (
    <details className="token-logprobs">
      <summary>Per-token logprobs ({pieces.length} tokens)</summary>
      <div className="table-scroll">
        <table className="table compact" data-testid="token-logprobs">
          <caption>
            Each generated token, its id, and its natural-log probability under the model (what a validator
            re-scores)
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Token</th>
              <th scope="col">Id</th>
              <th scope="col" className="num">
                Logprob
              </th>
              <th scope="col">Probability</th>
            </tr>
          </thead>
          <tbody>
            {pieces.map((p, i) => {
              const probability = Math.exp(p.logprob);
              return (
                <tr key={i}>
                  <td className="num">{i + 1}</td>
                  <td>
                    <code>{visible(p.text)}</code>
                  </td>
                  <td className="num">{p.token}</td>
                  <td className="num">{p.logprob.toFixed(3)}</td>
                  <td>
                    <span className="token-bar" aria-hidden="true">
                      <span style={{ width: `${Math.round(probability * 100)}%` }} />
                    </span>{' '}
                    {formatProbability(probability)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** "62 %", "0.4 %", "< 0.1 %". */
function formatProbability(p: number): string {
  const pct = p * 100;
  if (pct >= 10) return `${Math.round(pct)} %`;
  if (pct >= 0.1) return `${pct.toFixed(1)} %`;
  return '< 0.1 %';
}
