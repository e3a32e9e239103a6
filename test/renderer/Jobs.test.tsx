import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Jobs } from '../../src/renderer/src/pages/Jobs';
import { shortNumber } from '../../src/renderer/src/pages/jobs/OutputPreview';
import { renderWithBridge, TestBridge } from './bridge';
import { fixtureBridge, unavailableBridge } from './fixtureBridge';
import * as f from './fixtures';

describe('Jobs: the list', () => {
  it('loads, then shows the jobs assigned to this provider with their state and progress', async () => {
    renderWithBridge(
      <Jobs jobKey={null} />,
      new TestBridge().hang('jobs.list').hang('economies.list').hang('node.status'),
    );
    expect(screen.getByRole('status')).toHaveTextContent('Loading jobs…');
  });

  it('lists jobs with the on-chain state, what this node does, the fee and the deadline', async () => {
    renderWithBridge(<Jobs jobKey={null} />, fixtureBridge());
    const table = await screen.findByTestId('job-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[2]!.textContent)).toEqual([
      'Assigned',
      'Finalized',
      'Posted',
    ]);
    expect(within(rows[0]!).getByRole('progressbar', { name: 'Running' })).toHaveAttribute(
      'aria-valuenow',
      '40',
    );
    expect(rows[1]).toHaveTextContent('Result submitted');
    expect(rows[2]).toHaveTextContent('Declined: Input hash mismatch');
    expect(within(rows[2]!).getByText(/Declined/)).toHaveAttribute(
      'title',
      'the input bytes do not hash to the job’s input hash',
    );
    await waitFor(() => expect(rows[2]).toHaveTextContent('4 OCRG'));
    expect(within(rows[0]!).getByTitle(statusTitle('Assigned'))).toBeInTheDocument();
  });

  it('counts down only jobs that can still miss their deadline, and shows a single run as running without a percentage', async () => {
    const single = {
      ...f.runningJob,
      key: `${f.GENESIS}:42`,
      jobId: '42',
      kind: 'inference' as const,
      local: { ...f.runningJob.local!, progress: 0 },
    };
    renderWithBridge(<Jobs jobKey={null} />, fixtureBridge().answer('jobs.list', [single, ...f.jobs]));
    const table = await screen.findByTestId('job-table');
    const rows = within(table).getAllByRole('row').slice(1);
    const deadline = (r: HTMLElement) => within(r).getAllByRole('cell')[5]!.textContent;
    // Assigned: a countdown. Finalized: met, no clock. Posted: none yet.
    expect(deadline(rows[1]!)).toMatch(/^in (1 min 5\d s|2 min)$/);
    expect(deadline(rows[2]!)).toBe('met');
    expect(deadline(rows[3]!)).toBe('set when assigned');
    // One inference reports no fraction: an indeterminate bar, not 0 %.
    const bar = within(rows[0]!).getByRole('progressbar', { name: 'Running' });
    expect(bar).not.toHaveAttribute('aria-valuenow');
    expect(bar).toHaveAttribute('aria-valuetext', 'working');
    expect(rows[0]).not.toHaveTextContent('0 %');
  });

  it('asks for every job or one economy’s when the filters change', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderWithBridge(<Jobs jobKey={null} />, bridge);
    await screen.findByTestId('job-table');
    await user.click(screen.getByRole('checkbox', { name: 'Only mine' }));
    expect(screen.getByRole('heading', { name: 'All jobs' })).toBeInTheDocument();
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Economy' }), 'OCR Guild');
    expect(bridge.calls.filter((c) => c.name === 'jobs.list').map((c) => c.params)).toEqual([
      { mine: true, limit: 100 },
      { mine: false, limit: 100 },
      { economy: f.FORK_OCR, mine: false, limit: 100 },
    ]);
  });

  it('adds and moves jobs as jobs.updated events arrive', async () => {
    const bridge = fixtureBridge();
    renderWithBridge(<Jobs jobKey={null} />, bridge);
    const table = await screen.findByTestId('job-table');
    const fresh = {
      ...f.runningJob,
      key: `${f.GENESIS}:42`,
      jobId: '42',
      postedAt: f.NOW_S,
      modelName: 'Silero VAD v5',
    };
    act(() => bridge.push('jobs.updated', fresh));
    act(() => bridge.push('jobs.updated', { ...f.finalizedJob, status: 'Rejected' }));
    // Someone else's job does not enter a list of mine.
    act(() =>
      bridge.push('jobs.updated', { ...f.finalizedJob, key: `${f.GENESIS}:99`, jobId: '99', mine: false }),
    );
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('link')[0]!.textContent)).toEqual([
      'Silero VAD v5 #42',
      'Tiny classifier fine-tune #41',
      'PP-OCRv4 recognition #40',
      'inference #7',
    ]);
    expect(rows[2]).toHaveTextContent('Rejected');
  });

  it('invites providing when no job was assigned yet', async () => {
    renderWithBridge(<Jobs jobKey={null} />, fixtureBridge().answer('jobs.list', []));
    expect(await screen.findByText(/No job has been assigned to you yet/)).toBeInTheDocument();
  });

  it('shows the chain connection not running calmly', async () => {
    renderWithBridge(<Jobs jobKey={null} />, unavailableBridge());
    expect(await screen.findByText('The chain connection is not running on this node.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

function statusTitle(status: 'Assigned'): string {
  return status === 'Assigned' ? 'A provider was drawn and must submit before the deadline.' : '';
}

describe('Jobs: one job', () => {
  it('shows an OCR job: what it paid, the text, timings, transactions and history', async () => {
    renderWithBridge(<Jobs jobKey={f.finalizedDetail.key} />, fixtureBridge());
    expect(await screen.findByRole('heading', { name: 'PP-OCRv4 recognition #40' })).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByTestId('outcome')).toHaveTextContent(
        'The result stands: 2.375 FLY (the fee less the 5.0 % protocol fee) went to your claimable balance.',
      ),
    );
    expect(screen.getByTestId('ocr-text')).toHaveTextContent('Flywheel 2026 GPU');
    // How validators judge it: the model's policy, registered with the model on-chain.
    expect(screen.getByTestId('verified-by')).toHaveTextContent('argmax agreement ≥ 99 %');
    const timings = screen.getByRole('region', { name: 'Timings' });
    expect(timings).toHaveTextContent('Fetch: 120 ms');
    expect(timings).toHaveTextContent('Run: 31 ms');
    expect(timings).toHaveTextContent('Submit: 840 ms');
    expect(timings).toHaveTextContent('Total: 991 ms');
    const history = screen.getByRole('region', { name: 'History' });
    expect(within(screen.getByTestId('job-timeline')).getAllByRole('listitem')).toHaveLength(4);
    // Steps seconds apart read seconds apart.
    for (const time of screen.getByTestId('job-timeline').querySelectorAll('time')) {
      expect(time.textContent).toMatch(/\d{1,2}:\d{2}:\d{2}/);
      expect(time.getAttribute('dateTime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    }
    expect(history).toHaveTextContent('Submit result: 0x1111…1111 · block 1201');
    expect(screen.getByRole('link', { name: '← All jobs' })).toHaveAttribute('href', '#/jobs');
  });

  it('shows the validators’ checks of the result: who re-ran it, the verdict and its figures', async () => {
    renderWithBridge(<Jobs jobKey={f.finalizedDetail.key} />, fixtureBridge());
    const card = await screen.findByRole('region', { name: 'Checked by validators' });
    expect(card).toHaveTextContent(
      'Your result was re-run and judged by the model’s policy (argmax agreement ≥ 99 %).',
    );
    const [check] = within(screen.getByTestId('job-checks')).getAllByRole('listitem');
    expect(check).toHaveTextContent(
      'Noether (devnet validator): agrees — argmax agrees on 40 of 40 rows (100 %) ≥ 99 %: valid',
    );
    expect(check).toHaveTextContent('Re-run on Ryzen 9 7950X (cpu) in 38 ms,');
  });

  it('shows no checks card when no validator check of the result is known', async () => {
    const bridge = fixtureBridge().answer('jobs.get', { ...f.finalizedDetail, checks: [] });
    renderWithBridge(<Jobs jobKey={f.finalizedDetail.key} />, bridge);
    expect(await screen.findByRole('region', { name: 'History' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Checked by validators' })).toBeNull();
  });

  it('links transactions to the block explorer where the network has one', async () => {
    const bridge = fixtureBridge().answer('node.status', {
      ...f.nodeStatus,
      network: { ...f.nodeStatus.network, explorerUrl: 'https://sepolia.basescan.org' },
    });
    renderWithBridge(<Jobs jobKey={f.finalizedDetail.key} />, bridge);
    const links = await screen.findAllByRole('link', { name: /^Transaction 0x1{64} in the block explorer$/ });
    expect(links[0]).toHaveAttribute('href', `https://sepolia.basescan.org/tx/0x${'1'.repeat(64)}`);
    expect(links[0]).toHaveAttribute('rel', 'noreferrer noopener');
  });

  it('draws voice-activity segments on the clip’s timeline', async () => {
    renderWithBridge(<Jobs jobKey={f.vadDetail.key} />, fixtureBridge());
    const figure = (await screen.findByTestId('vad-timeline')).closest('figure')!;
    expect(figure).toHaveTextContent('Speech found: 2 segments, 3.60 s of 6.00 s');
    expect(within(figure).getByRole('img')).toHaveAccessibleName(
      'Timeline of 6.00 s with speech at 0.40 s to 1.90 s, 3.10 s to 5.20 s',
    );
    const speech = figure.querySelectorAll('rect.vad-speech');
    expect([...speech].map((r) => [r.getAttribute('x'), r.getAttribute('width')])).toEqual([
      ['40', '150'],
      ['310', '210'],
    ]);
  });

  it('shows the text regions a detector found on its probability map', async () => {
    renderWithBridge(<Jobs jobKey={f.detectionDetail.key} />, fixtureBridge());
    const map = await screen.findByTestId('text-regions');
    expect(map.closest('figure')).toHaveTextContent(
      'Text found: 1 text region in the 288 × 64 image (probability ≥ 0.3)',
    );
    expect(map).toHaveAccessibleName(
      'Text probability map of 288 × 64 pixels with 1 text region: 249 × 33 at 11, 11',
    );
    expect(map).toHaveAttribute('width', '288');
  });

  it('shows a running fine-tune with its progress and its loss curve so far', async () => {
    renderWithBridge(<Jobs jobKey={f.fineTuneDetail.key} />, fixtureBridge());
    expect(await screen.findByRole('progressbar', { name: 'Running' })).toHaveAttribute(
      'aria-valuenow',
      '40',
    );
    const figure = screen.getByTestId('loss-curve').closest('figure')!;
    expect(figure).toHaveTextContent('Fine-tune loss over 6 steps: 2.30 → 0.600 · eval loss 0.660');
    expect(screen.getByTestId('outcome')).toHaveTextContent('must submit before the deadline');
    expect(screen.getByRole('region', { name: 'Timings' })).toHaveTextContent('Fetch: 90 ms');
  });

  it('follows the job as it moves on-chain', async () => {
    const bridge = fixtureBridge();
    renderWithBridge(<Jobs jobKey={f.fineTuneDetail.key} />, bridge);
    await screen.findByTestId('loss-curve');
    bridge.answer('jobs.get', { ...f.fineTuneDetail, status: 'Submitted' });
    act(() => bridge.push('jobs.updated', { ...f.runningJob, status: 'Submitted' }));
    await waitFor(() =>
      expect(screen.getByTestId('outcome')).toHaveTextContent('finalizes when the challenge window ends'),
    );
  });

  it('explains a declined job: the reason and that a decline is not slashed', async () => {
    const declined = {
      ...f.finalizedDetail,
      ...f.declinedJob,
      outputHash: null,
      outputUri: null,
      preview: null,
      timings: null,
      txs: [],
      timeline: [],
    };
    renderWithBridge(<Jobs jobKey={declined.key} />, fixtureBridge().answer('jobs.get', declined));
    const outcome = await screen.findByTestId('outcome');
    expect(outcome).toHaveTextContent('This node declined it: Input hash mismatch');
    expect(outcome).toHaveTextContent('not slashed');
    expect(screen.getByText('none yet')).toBeInTheDocument();
  });

  /** A job this wallet posted that its only provider declined: Posted, fee held, cancellable from a block. */
  const stuck = {
    ...f.finalizedDetail,
    key: `${f.GENESIS}:77`,
    jobId: '77',
    status: 'Posted' as const,
    local: null,
    mine: false,
    provider: null,
    requester: f.WALLET,
    outputHash: null,
    outputUri: null,
    preview: null,
    timings: null,
    declines: [
      {
        provider: '0x7777777777777777777777777777777777777777' as const,
        reason: 'INPUT_INVALID' as const,
        label: 'Input invalid',
        meaning: 'missing, extra, wrongly typed or wrongly shaped tensors, or bad safetensors',
        t: f.NOW_S - 60,
      },
    ],
    noShows: [{ provider: '0x8888888888888888888888888888888888888888' as const, t: f.NOW_S - 50 }],
    refund: {
      text: '2 of 3 declines, no-shows or timeouts so far. Refunded by itself at the 3rd decline, no-show or timeout. You can cancel it from block 1290 (now 1100, 190 blocks to go), or at once after 16 draws that keep nobody (3 so far) to take the fee back.',
      maxDeclines: 3,
      yours: true,
      cancellable: false,
      cancellableFromBlock: '1290',
    },
  };

  it('shows each decline’s reason, the no-shows, and why the requester cannot cancel yet', async () => {
    renderWithBridge(<Jobs jobKey={stuck.key} />, fixtureBridge().answer('jobs.get', stuck));
    const card = await screen.findByRole('region', { name: 'Declines and refund' });
    const declines = within(within(card).getByTestId('job-declines')).getAllByRole('listitem');
    expect(declines).toHaveLength(1);
    expect(declines[0]).toHaveTextContent('Input invalid — missing, extra, wrongly typed');
    expect(within(card).getByTestId('job-no-shows')).toHaveTextContent(
      '1 provider drawn for it never accepted it inside the accept window: drawn again, nobody slashed.',
    );
    expect(within(card).getByTestId('job-refund')).toHaveTextContent('You can cancel it from block 1290');
    const button = within(card).getByRole('button', { name: 'Cancel the job and take the fee back' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription('Can cancel from block 1290.');
  });

  it('cancels the requester’s own job when the contract allows it, then shows it refunded', async () => {
    const user = userEvent.setup();
    const refunded = {
      ...stuck,
      status: 'Refunded' as const,
      refund: {
        ...stuck.refund,
        text: 'Cancelled by you: the fee went to your claimable balance. Withdraw it from Earnings.',
        cancellable: false,
        cancellableFromBlock: null,
      },
    };
    let cancelled = false;
    const bridge = fixtureBridge()
      .answer('jobs.get', () =>
        cancelled
          ? refunded
          : { ...stuck, refund: { ...stuck.refund, cancellable: true, cancellableFromBlock: null } },
      )
      .answer('jobs.cancel', () => {
        cancelled = true;
        return refunded;
      });
    renderWithBridge(<Jobs jobKey={stuck.key} />, bridge);
    const button = await screen.findByRole('button', { name: 'Cancel the job and take the fee back' });
    expect(button).toHaveAccessibleDescription('The fee goes to your claimable balance in this economy.');
    await user.click(button);
    expect(bridge.calls.find((c) => c.name === 'jobs.cancel')?.params).toEqual({ key: stuck.key });
    await waitFor(() =>
      expect(screen.getByTestId('job-refund')).toHaveTextContent(
        'Cancelled by you: the fee went to your claimable balance.',
      ),
    );
    expect(screen.queryByRole('button', { name: /Cancel the job/ })).toBeNull();
  });

  it('says why a cancel failed', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge()
      .answer('jobs.get', {
        ...stuck,
        refund: { ...stuck.refund, cancellable: true, cancellableFromBlock: null },
      })
      .answer('jobs.cancel', {
        code: 'CONFLICT',
        shortMessage: 'Job 77 cannot be cancelled yet: it can be from block 1290 (now 1289).',
      });
    renderWithBridge(<Jobs jobKey={stuck.key} />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Cancel the job and take the fee back' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('it can be from block 1290');
  });

  it('a job refunded by itself at maxDeclines says so, with no cancel for someone else’s job', async () => {
    const byItself = {
      ...stuck,
      status: 'Refunded' as const,
      requester: '0x5555555555555555555555555555555555555555' as const,
      refund: {
        text: 'Refunded by itself after 3 declines, no-shows or timeouts (this economy refunds at the 3rd decline, no-show or timeout): the fee went to the requester’s claimable balance.',
        maxDeclines: 3,
        yours: false,
        cancellable: false,
        cancellableFromBlock: null,
      },
    };
    renderWithBridge(<Jobs jobKey={byItself.key} />, fixtureBridge().answer('jobs.get', byItself));
    expect(await screen.findByTestId('job-refund')).toHaveTextContent('Refunded by itself after 3 declines');
    expect(screen.queryByRole('button', { name: /Cancel the job/ })).toBeNull();
  });

  it('says what to do when the job is not found', async () => {
    renderWithBridge(
      <Jobs jobKey={`${f.GENESIS}:404`} />,
      fixtureBridge().answer('jobs.get', {
        code: 'NOT_FOUND',
        shortMessage: 'No job 404 in Flywheel Genesis.',
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No job 404 in Flywheel Genesis.');
    expect(alert).toHaveTextContent('go back and pick another');
  });
});

describe('loss labels', () => {
  it.each([
    [0.0000119, '1.19e-5'],
    [2.3, '2.30'],
    [0.6, '0.600'],
    [0.00123, '0.00123'],
    [123456, '1.23e5'],
    [0, '0.00'],
  ])('%f reads %s, at most 7 characters', (v, text) => {
    expect(shortNumber(v)).toBe(text);
    expect(text.length).toBeLessThanOrEqual(7);
  });
});
