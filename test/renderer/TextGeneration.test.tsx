/**
 * Text-generation jobs in the UI: on the job page the prompt, the progress in tokens while this node
 * runs it, then the text with why it stopped and each token's logprob; on the dashboard's live jobs, tokens so far
 * and tokens/s instead of a percentage.
 */
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Dashboard } from '../../src/renderer/src/pages/Dashboard';
import { Jobs } from '../../src/renderer/src/pages/Jobs';
import { renderWithBridge } from './bridge';
import { fixtureBridge } from './fixtureBridge';
import * as f from './fixtures';

describe('a text-generation job', () => {
  it('shows its prompt and its progress in tokens, tokens/s and time left while this node runs it', async () => {
    renderWithBridge(<Jobs jobKey={f.textRunningDetail.key} />, fixtureBridge());
    const card = await screen.findByRole('region', { name: 'Text generation' });
    expect(within(card).getByTestId('text-prompt')).toHaveTextContent('Once upon a time');
    expect(within(card).getByTestId('text-pending')).toHaveTextContent(
      'Generating: 12 of at most 24 tokens so far',
    );
    const bar = screen.getByRole('progressbar', { name: 'Running' });
    expect(bar).toHaveAttribute('aria-valuenow', '12');
    expect(bar).toHaveAttribute('aria-valuemax', '24');
    expect(bar).toHaveAttribute('aria-valuetext', '12 / 24 tokens · 8.0 tokens/s · at most 2 s left');
    expect(screen.getByTestId('text-progress')).not.toHaveTextContent('%');
    // No text yet, and no empty "Output" card.
    expect(screen.queryByTestId('generated-text')).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Output' })).not.toBeInTheDocument();
  });

  it('follows the tokens as jobs.updated events arrive, then shows the text when the job is done', async () => {
    const bridge = fixtureBridge();
    renderWithBridge(<Jobs jobKey={f.textRunningDetail.key} />, bridge);
    await screen.findByRole('region', { name: 'Text generation' });
    const later = {
      ...f.textRunningDetail,
      local: {
        ...f.textRunningDetail.local!,
        etaS: 0.5,
        generation: { ...f.textRunningDetail.local!.generation!, tokens: 20, tokensPerS: 8.5 },
      },
    };
    bridge.answer('jobs.get', later);
    act(() => bridge.push('jobs.updated', later));
    expect(await screen.findByText('20 / 24 tokens · 8.5 tokens/s · at most 1 s left')).toBeInTheDocument();
    const done = { ...f.textDetail, key: later.key, jobId: later.jobId };
    bridge.answer('jobs.get', done);
    act(() => bridge.push('jobs.updated', done));
    expect(await screen.findByTestId('generated-text')).toHaveTextContent('qu zx vel');
  });

  it('shows the generated text, why it stopped, the speeds and each token’s logprob', async () => {
    const user = userEvent.setup();
    renderWithBridge(<Jobs jobKey={f.textDetail.key} />, fixtureBridge());
    const card = await screen.findByRole('region', { name: 'Text generation' });
    expect(within(card).getByTestId('text-prompt')).toHaveTextContent('Once upon a time');
    expect(within(card).getByTestId('generated-text').textContent).toBe(' qu zx\nvel');
    expect(within(card).getByTestId('text-stats')).toHaveTextContent(
      '4 / 4 tokens, stopped at max_tokens (4) · generation 31.3 tokens/s · prompt 5 tokens at 412 tokens/s',
    );
    // The devnet's model is not trained: the page says so rather than let its text pass for a model's answer.
    expect(within(card).getByTestId('random-weights-note')).toHaveTextContent(
      'fixed-seed random weights — it is not trained, so its text is gibberish',
    );
    await user.click(within(card).getByText('Per-token logprobs (4 tokens)'));
    const table = within(card).getByRole('table', { name: /natural-log probability/ });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      );
    expect(rows).toEqual([
      ['1', '␣qu', '301', '-0.105', ' 90 %'],
      ['2', '␣zx', '322', '-2.302', ' 10 %'],
      ['3', '↵', '13', '-9.500', ' < 0.1 %'],
      ['4', 'vel', '340', '-0.693', ' 50 %'],
    ]);
    // The text preview is this card, not a second "Output" card.
    expect(screen.queryByRole('region', { name: 'Output' })).not.toBeInTheDocument();
  });

  it('does not say "Generating" once the node stopped working on it without a text', async () => {
    const failed = {
      ...f.textRunningDetail,
      local: { ...f.textRunningDetail.local!, step: 'failed' as const, error: 'the llama.cpp worker exited' },
    };
    renderWithBridge(<Jobs jobKey={failed.key} />, fixtureBridge().answer('jobs.get', failed));
    const card = await screen.findByRole('region', { name: 'Text generation' });
    expect(within(card).getByTestId('text-prompt')).toHaveTextContent('Once upon a time');
    expect(screen.queryByTestId('text-pending')).not.toBeInTheDocument();
    expect(screen.queryByTestId('text-progress')).not.toBeInTheDocument();
  });

  it('says nothing of random weights off the devnet', async () => {
    const bridge = fixtureBridge().answer('node.status', {
      ...f.nodeStatus,
      network: { ...f.nodeStatus.network, kind: 'custom' },
    });
    renderWithBridge(<Jobs jobKey={f.textDetail.key} />, bridge);
    await screen.findByTestId('generated-text');
    expect(screen.queryByTestId('random-weights-note')).not.toBeInTheDocument();
  });

  it('reads in tokens and tokens/s on the dashboard’s live jobs, not as a percentage', async () => {
    renderWithBridge(<Dashboard />, fixtureBridge().answer('jobs.list', [f.textJob, ...f.jobs]));
    const feed = await screen.findByTestId('job-feed');
    const item = within(feed).getByRole('link', { name: 'inference #43' }).closest('li')!;
    expect(within(item).getByTestId('text-progress')).toHaveTextContent(
      '12 / 24 tokens · 8.0 tokens/s · at most 2 s left',
    );
    expect(item).not.toHaveTextContent('%');
    // Other jobs keep their percentage.
    const fineTune = within(feed).getByRole('link', { name: 'Tiny classifier fine-tune #41' }).closest('li')!;
    expect(within(fineTune).getByRole('progressbar', { name: 'Running' })).toHaveAttribute(
      'aria-valuenow',
      '40',
    );
    expect(fineTune).toHaveTextContent('40 %');
  });
});
