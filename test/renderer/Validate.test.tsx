import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ValidatorState } from '../../src/shared/api';
import { Dashboard } from '../../src/renderer/src/pages/Dashboard';
import { Earnings } from '../../src/renderer/src/pages/Earnings';
import { Validate } from '../../src/renderer/src/pages/Validate';
import { renderWithBridge, TestBridge } from './bridge';
import { fixtureBridge, unavailableBridge } from './fixtureBridge';
import * as f from './fixtures';

const hash = `0x${'9'.repeat(64)}` as const;

describe('Validate', () => {
  it('says it is loading, then shows the chain connection not running calmly', async () => {
    renderWithBridge(
      <Validate />,
      new TestBridge().hang('validator.get').hang('economies.list').hang('node.status'),
    );
    expect(screen.getByRole('status')).toHaveTextContent('Loading the validator…');
  });

  it('shows an unavailable chain as a state, not an alarm', async () => {
    renderWithBridge(<Validate />, unavailableBridge());
    expect(await screen.findByText('The chain connection is not running on this node.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the switch, the budget used, and each economy validated with its bond, locked, earned and lost', async () => {
    renderWithBridge(<Validate />, fixtureBridge());
    expect(await screen.findByRole('switch')).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByTestId('validator-status')).toHaveTextContent(
      'Validating in 1 economy: re-running 20 % of the results in their challenge window, at most 60 an hour and 10 % of the engine’s time.',
    );
    const stats = screen.getByTestId('validator-stats');
    expect(stats).toHaveTextContent('Checked in the last hour7 of at most 60');
    expect(stats).toHaveTextContent('Engine time taken3.4 % of at most 10 %');
    expect(stats).toHaveTextContent('9 judged: 8 agree, 1 disagree · 2 skipped');
    const [genesis, fast] = screen.getAllByTestId('validator-economy') as [HTMLElement, HTMLElement];
    expect(genesis).toHaveTextContent('Flywheel Genesis validating');
    expect(genesis).toHaveTextContent('Validator bond100 FLY');
    expect(genesis).toHaveTextContent('Locked by challenges10 FLY (free: 90 FLY)');
    expect(genesis).toHaveTextContent('Earned6.25 FLY');
    expect(genesis).toHaveTextContent('Lost0.5 FLY');
    expect(within(genesis).getByRole('img')).toHaveAccessibleName('10 FLY of 100 FLY locked by challenges');
    // The 6-decimal fork, unbonding: its own token, the countdown, withdraw greyed until it ends.
    expect(fast).toHaveTextContent('Fast Lane unbonding');
    expect(fast).toHaveTextContent('Validator bond20 FAST');
    expect(within(fast).getByTestId('validator-unbonding')).toHaveTextContent(/left/);
    expect(within(fast).getByRole('button', { name: 'Withdraw validator bond' })).toBeDisabled();
  });

  it('lists agreements and disagreements with their figures and device, skipped ones with their reason', async () => {
    renderWithBridge(<Validate />, fixtureBridge());
    const table = await screen.findByTestId('validator-checks');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-verdict'))).toEqual([
      'pending',
      'valid',
      'invalid',
      'valid',
      'skipped',
    ]);
    expect(rows[0]).toHaveTextContent('checking');
    expect(rows[0]).toHaveTextContent('re-running on this machine…');
    expect(rows[1]).toHaveTextContent('job #51Flywheel Genesis · sampled');
    expect(rows[1]).toHaveTextContent('agrees');
    expect(rows[1]).toHaveTextContent('max |Δ| 2.1e-6 ≤ 1e-4: valid');
    expect(rows[1]).toHaveTextContent(
      'Policy: every value within 1e-4 (absolute) or 1e-4 (relative). Re-run on Ryzen 9 7950X (cpu) in 184 ms.',
    );
    expect(within(rows[1]!).getByRole('link', { name: 'job #51' })).toHaveAttribute(
      'href',
      `#/jobs/${encodeURIComponent(`${f.GENESIS}:51`)}`,
    );
    expect(rows[2]).toHaveTextContent('disagrees');
    expect(rows[2]).toHaveTextContent('argmax agrees on 12 of 40 rows (30 %) < 99 %: invalid');
    expect(rows[2]).toHaveTextContent('NVIDIA GeForce RTX 4090 (webgpu)');
    expect(rows[2]).toHaveTextContent(
      'challenged the result (voted invalid)the result was rejected · +6 FLY',
    );
    expect(rows[3]).toHaveTextContent('to vote');
    expect(rows[3]).toHaveTextContent('voted validthe result stood · +0.25 FLY');
    expect(rows[4]).toHaveTextContent('Fast Lane · sampled');
    expect(rows[4]).toHaveTextContent('skipped');
    expect(rows[4]).toHaveTextContent('over the budget: 60 re-runs in the last hour (limit 60)');
  });

  it('lists its challenges and votes with their outcome', async () => {
    renderWithBridge(<Validate />, fixtureBridge());
    const list = await screen.findByTestId('validator-challenges');
    const items = [...list.children] as HTMLElement[];
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringMatching(
        /^job #48 in Flywheel Genesis \(provider 0x5b5b…5b5b\): challenged the result \(voted invalid\) · the result was rejected · \+6 FLY/,
      ),
      expect.stringMatching(/^job #45 in Flywheel Genesis .*: voted valid · the result stood · \+0.25 FLY/),
    ]);
    // The challenge from commit to outcome: the votes, the provider's loss, each step with its transaction.
    const [challenge, vote] = items;
    expect(within(challenge!).getByTestId('challenge-votes')).toHaveTextContent(
      'Votes: 3 invalid, 0 valid · provider slashed 20 FLY',
    );
    const steps = within(within(challenge!).getByRole('list', { name: 'Steps of job #48' })).getAllByRole(
      'listitem',
    );
    expect(steps.map((li) => li.textContent!.replace(/^.*?\d{2}:\d{2}:\d{2}\s*(AM |PM )?/, ''))).toEqual([
      're-run here and judged',
      'challenge committed (the commitment sent) · 0xa7a7…a7a7',
      'challenge revealed with the evidence · 0xb8b8…b8b8',
      'challenge resolved',
      'vote settled and paid out',
    ]);
    expect(within(vote!).getByTestId('challenge-votes')).toHaveTextContent(
      'Votes: 1 invalid, 2 valid · the provider kept its collateral',
    );
    expect(within(vote!).getByRole('list', { name: 'Steps of job #45' })).toHaveTextContent(
      'vote cast · 0xc9c9…c9c9',
    );
  });

  it('shows the risk in figures and words before bonding, and bonds only once it is acknowledged', async () => {
    const user = userEvent.setup();
    const joined: string[] = [];
    const bridge = fixtureBridge().answer('validator.join', ({ economy, bond }) => {
      joined.push(`${economy as string}:${bond as string}`);
      return {
        economy: { ...f.validator.economies[0]!, economy: f.FORK_OCR, name: 'OCR Guild', symbol: 'OCRG' },
        txs: [{ label: 'Bond as a validator', hash, economy: f.FORK_OCR }],
      };
    });
    renderWithBridge(<Validate />, bridge);
    const list = await screen.findByTestId('validator-join-list');
    // Genesis is bonded already; the fork of the fork is unbonding: only OCR Guild is offered.
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Validate in OCR Guild…']);
    expect(list).toHaveTextContent('OCR Guild minimum validator bond 50 OCRG');
    await user.click(within(list).getByRole('button', { name: 'Validate in OCR Guild…' }));
    const panel = screen.getByTestId('validator-join-panel');
    expect(within(panel).getByRole('heading', { name: 'Validate in OCR Guild' })).toHaveFocus();
    const risk = await within(panel).findByTestId('validator-risk');
    expect(risk).toHaveTextContent('A vote against the outcome5 OCRG (10 % of the vote’s weight)');
    expect(risk).toHaveTextContent('A challenge the vote upholds10 OCRG (the challenge bond)');
    expect(risk).toHaveTextContent('A commitment never revealed2 OCRG');
    expect(risk).toHaveTextContent('Quorum30 % of the validator stake must vote');
    expect(risk).toHaveTextContent(
      "A vote against the outcome costs 10 % of the vote's weight: 5 OCRG with a bond of 50 OCRG.",
    );

    // Under the minimum: said, and the button stays grey.
    const input = within(panel).getByLabelText('Validator bond (OCRG)');
    await user.clear(input);
    await user.type(input, '20');
    expect(
      within(panel).getByText('The minimum validator bond in OCR Guild is 50 OCRG.'),
    ).toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Bond' })).toBeDisabled();

    // The risk follows the bond typed.
    await user.clear(input);
    await user.type(input, '70');
    await waitFor(() =>
      expect(within(panel).getByTestId('validator-risk')).toHaveTextContent(
        'A vote against the outcome7 OCRG',
      ),
    );
    const bondButton = within(panel).getByRole('button', { name: 'Bond 70 OCRG as a validator' });
    await waitFor(() => expect(within(panel).queryByText('Updating for the new bond…')).toBeNull());
    expect(bondButton).toBeDisabled();
    const check = within(panel).getByRole('checkbox');
    expect(check.closest('label')).toHaveTextContent(
      'a vote of mine against the outcome costs 7 OCRG of it, that a challenge the vote upholds costs the challenge bond (10 OCRG)',
    );
    await user.click(check);
    await user.click(bondButton);
    await waitFor(() => expect(joined).toEqual([`${f.FORK_OCR}:${f.units('70')}`]));
    expect(await screen.findByText('Bonded as a validator in OCR Guild.')).toBeInTheDocument();
    expect(screen.queryByTestId('validator-join-panel')).toBeNull();
  });

  it('follows the wallet’s balance while the join panel is open (funds that land after the click count)', async () => {
    const user = userEvent.setup();
    const empty = f.economies.map((e) =>
      e.economy === f.FORK_OCR ? { ...e, membership: { ...e.membership, walletBalance: '0' } } : e,
    );
    const bridge = fixtureBridge().answer('economies.list', empty);
    renderWithBridge(<Validate />, bridge);
    const list = await screen.findByTestId('validator-join-list');
    await user.click(within(list).getByRole('button', { name: 'Validate in OCR Guild…' }));
    const panel = screen.getByTestId('validator-join-panel');
    expect(within(panel).getByText('Your wallet holds 0 OCRG: bond at most that.')).toBeInTheDocument();
    expect(within(panel).queryByTestId('validator-risk')).toBeNull();
    // The welcome funds land: the node pushes the economies with the new balance.
    act(() => bridge.push('economies.changed', f.economies));
    expect(await within(panel).findByTestId('validator-risk')).toHaveTextContent(
      "A vote against the outcome costs 10 % of the vote's weight: 5 OCRG with a bond of 50 OCRG.",
    );
    expect(within(panel).queryByText(/Your wallet holds/)).toBeNull();
  });

  it('switches validation off and on', async () => {
    const user = userEvent.setup();
    let on = true;
    const state = (): ValidatorState => ({ ...f.validator, on, status: on ? 'validating' : 'off' });
    // As the node does, each switch also pushes validator.changed.
    const bridge: TestBridge = fixtureBridge()
      .answer('validator.get', state)
      .answer('validator.stop', () => ((on = false), bridge.push('validator.changed', state()), state()))
      .answer('validator.start', () => ((on = true), bridge.push('validator.changed', state()), state()));
    renderWithBridge(<Validate />, bridge);
    await user.click(await screen.findByRole('switch'));
    await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'false'));
    expect(screen.getByTestId('validator-status')).toHaveTextContent(
      'Off: this node checks no new results. Switch on to check results in 1 economy.',
    );
    // A pushed state (a check, a vote) replaces what is shown.
    bridge.push('validator.changed', { ...state(), stats: { ...f.validator.stats, checkedLastHour: 8 } });
    await waitFor(() => expect(screen.getByTestId('validator-stats')).toHaveTextContent('8 of at most 60'));
    await user.click(screen.getByRole('switch'));
    await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'true'));
  });

  it('sets the sampling rate and the budget, refusing values out of range', async () => {
    const user = userEvent.setup();
    const patches: unknown[] = [];
    const bridge = fixtureBridge().answer('validator.configure', (patch) => {
      patches.push(patch);
      return f.validator;
    });
    renderWithBridge(<Validate />, bridge);
    const form = await screen.findByRole('region', { name: 'Sampling and budget' });
    const rate = within(form).getByLabelText('Sampling rate (%)');
    expect(rate).toHaveValue('20');
    await user.clear(rate);
    await user.type(rate, '150');
    expect(within(form).getByText('Enter the sampling rate from 0 to 100.')).toBeInTheDocument();
    expect(within(form).getByRole('button', { name: 'Save' })).toBeDisabled();
    await user.clear(rate);
    await user.type(rate, '35');
    const perHour = within(form).getByLabelText('Re-runs per hour, at most');
    await user.clear(perHour);
    await user.type(perHour, '12.5');
    expect(within(form).getByText('Enter re-runs per hour as a whole number.')).toBeInTheDocument();
    await user.clear(perHour);
    await user.type(perHour, '30');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(patches).toEqual([{ sampleRate: 0.35, jobsPerHour: 30, maxEngineSharePct: 10 }]),
    );
    expect(await within(form).findByText('Saved: the next pass uses it.')).toBeInTheDocument();
  });

  it('stops validating in an economy after a confirmation that says when the bond comes back', async () => {
    const user = userEvent.setup();
    const exits: unknown[] = [];
    const bridge = fixtureBridge().answer('validator.exit', ({ economy }) => {
      exits.push(economy);
      return { economy: { ...f.validator.economies[0]!, standing: 'exiting' }, txs: [] };
    });
    renderWithBridge(<Validate />, bridge);
    const [genesis] = await screen.findAllByTestId('validator-economy');
    await user.click(within(genesis!).getByRole('button', { name: 'Stop validating here…' }));
    const confirm = within(genesis!).getByRole('group', { name: 'Stop validating in Flywheel Genesis' });
    expect(confirm).toHaveTextContent(
      'the validator bond comes back after 5 min, once every vote is settled',
    );
    await user.click(within(confirm).getByRole('button', { name: 'Stop validating and start unbonding' }));
    await waitFor(() => expect(exits).toEqual([f.GENESIS]));
  });

  it('says how to start when the node never validated', async () => {
    renderWithBridge(<Validate />, fixtureBridge().answer('validator.get', f.validatorOff));
    expect(await screen.findByTestId('validator-status')).toHaveTextContent(
      'Off: this node checks no new results. Bond in an economy as a validator below, then switch on.',
    );
    expect(screen.getByText(/No checks yet/)).toBeInTheDocument();
    expect(
      within(await screen.findByTestId('validator-join-list'))
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Validate in Flywheel Genesis…', 'Validate in OCR Guild…', 'Validate in Fast Lane…']);
  });
});

describe('Validation beside providing', () => {
  it('puts a small validator card on the Dashboard', async () => {
    renderWithBridge(<Dashboard />, fixtureBridge());
    const card = await screen.findByTestId('validator-summary');
    expect(card).toHaveTextContent(
      'Validating · in 1 economy · 7 checks in the last hour · earned 6.25 FLY · 0.75 FAST · lost 0.5 FLY',
    );
    expect(screen.getByRole('link', { name: 'Validate page' })).toHaveAttribute('href', '#/validate');
  });

  it('leaves the Dashboard card out for a node that never validated', async () => {
    renderWithBridge(<Dashboard />, fixtureBridge().answer('validator.get', f.validatorOff));
    await screen.findByTestId('provider-status');
    expect(screen.queryByTestId('validator-summary')).toBeNull();
  });

  it('shows validation earnings per economy next to provider earnings', async () => {
    renderWithBridge(<Earnings />, fixtureBridge());
    const table = await screen.findByTestId('validation-earnings');
    expect(screen.getByTestId('economy-earnings')).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: /Flywheel Genesis/ })).toHaveTextContent(
      'Flywheel Genesisvalidating100 FLY10 FLY6.25 FLY0.5 FLY',
    );
    expect(within(table).getByRole('row', { name: /Fast Lane/ })).toHaveTextContent(
      'Fast Laneunbonding20 FAST0 FAST0.75 FAST0 FAST',
    );
  });
});
