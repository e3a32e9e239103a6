import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { LifecycleResult } from '../../src/shared/api';
import { Economies } from '../../src/renderer/src/pages/Economies';
import { renderWithBridge, TestBridge } from './bridge';
import { fixtureBridge, unavailableBridge } from './fixtureBridge';
import * as f from './fixtures';

const joined: LifecycleResult = {
  membership: { ...f.forkOcr.membership, status: 'active', bond: f.units('60') },
  txs: [
    { label: 'Approve OCRG', hash: `0x${'1'.repeat(64)}`, economy: f.FORK_OCR },
    { label: 'Register', hash: `0x${'2'.repeat(64)}`, economy: f.FORK_OCR },
  ],
};

const comparison = () => screen.getByTestId('comparison');
const row = (label: string) => within(comparison()).getByRole('row', { name: new RegExp(`^${label}`) });

describe('Economies', () => {
  it('says it is looking while the factory is read', () => {
    renderWithBridge(<Economies />, new TestBridge().hang('economies.list').hang('node.status'));
    expect(screen.getByRole('status')).toHaveTextContent('Finding economies on the chain…');
  });

  it('shows the chain connection not running as a state, not an alarm', async () => {
    renderWithBridge(<Economies />, unavailableBridge());
    const notice = await screen.findByText('The chain connection is not running on this node.');
    expect(notice.closest('[role="status"]')).toHaveAttribute('data-error-code', 'UNAVAILABLE');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says so when the factory lists no economy', async () => {
    renderWithBridge(<Economies />, fixtureBridge().answer('economies.list', []));
    expect(await screen.findByText(/lists no economy yet/)).toBeInTheDocument();
  });

  it('draws the lineage as a tree: genesis, its fork, the fork of the fork', async () => {
    renderWithBridge(<Economies />, fixtureBridge());
    const tree = await screen.findByTestId('lineage');
    const nodes = within(tree).getAllByRole('button');
    expect(nodes.map((n) => n.getAttribute('aria-label'))).toEqual([
      'Flywheel Genesis (FLY), genesis, you are serving: in the comparison',
      'OCR Guild (OCRG), fork of Flywheel Genesis at block 812: in the comparison',
      'Fast Lane (FAST), fork of OCR Guild at block 1100: in the comparison',
    ]);
    expect(tree.querySelectorAll('path')).toHaveLength(2);
  });

  it('compares economies side by side, in each one’s own token, marking the best where it is comparable', async () => {
    renderWithBridge(<Economies />, fixtureBridge());
    await screen.findByTestId('comparison');
    const heads = within(comparison())
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(heads).toEqual(['Flywheel Genesis', 'OCR Guild', 'Fast Lane']);
    expect(row('Bond needed')).toHaveTextContent('100 FLY50 OCRG20 FAST');
    expect(row('Fee per job')).toHaveTextContent('2.5 FLY − 5.0 %');
    // Text generation priced per token; an economy with none says so.
    expect(row('Fee per 1k tokens')).toHaveTextContent('50 FLYnone priced per token in 24 h40 FAST');
    expect(row('Emission per epoch')).toHaveTextContent('1,000 FLY / 10 min');
    expect(row('Active stake')).toHaveTextContent('2,250 FLY400 OCRG60 FAST');
    // More providers is more competition for each job: not ranked.
    expect(row('Active providers')).toHaveTextContent('1242');
    expect(row('Active providers')).not.toHaveTextContent('best');
    // One posting rate: the day's jobs over the hours it covers.
    expect(row('Jobs / hour')).toHaveTextContent(
      '36860 in the last 24 h best13310 in the last 24 h495 in the last 24 h',
    );
    expect(row('Slash rate')).toHaveTextContent('0.4 % best');
    expect(row('Unbonding period')).toHaveTextContent('2 min best');
    // Money in different tokens is never ranked.
    expect(row('Bond needed')).not.toHaveTextContent('best');
    // Per-machine estimates arrive from economies.estimate.
    await waitFor(() =>
      expect(row('Fees, next 24 h')).toHaveTextContent(
        '273.6 – 410.4 FLY277.24 – 415.87 OCRG26.88 – 40.32 FAST',
      ),
    );
    expect(row('New tokens, next 24 h')).toHaveTextContent('0 – 0 FLY23.32 – 25.92 OCRG0 – 0 FAST');
    expect(row('Chance to miss a deadline')).toHaveTextContent('0.4 % best3 %15 %');
    expect(row('Your standing')).toHaveTextContent('serving');
  });

  it('colours each standing apart in the lineage, keeps titles on one line, and says what an exit left', async () => {
    const exiting = {
      ...f.genesis,
      membership: { ...f.genesis.membership, status: 'exiting' as const, unbondingEndsAt: f.NOW_S + 60 },
    };
    const exited = {
      ...f.forkOcr,
      membership: { ...f.forkOcr.membership, status: 'exited' as const, bond: '0', forkAllocation: null },
    };
    renderWithBridge(<Economies />, fixtureBridge().answer('economies.list', [exiting, exited, f.forkFast]));
    const node = await screen.findByRole('button', { name: /^Flywheel Genesis \(FLY\)/ });
    const badge = node.querySelector('.badge')!;
    expect(badge).toHaveTextContent('unbonding');
    expect(badge).toHaveClass('badge-member-exiting');
    expect(badge).not.toHaveClass('badge-ok');
    // The name and the badge share one line; the name has its full text on hover.
    expect(node.querySelector('.lineage-title')).toContainElement(badge as HTMLElement);
    expect(node.querySelector('.lineage-name')).toHaveAttribute('title', 'Flywheel Genesis');
    const card = screen.getAllByTestId('membership').find((c) => c.textContent?.includes('OCR Guild'))!;
    expect(within(card).getByTestId('exited')).toHaveTextContent(
      'You left OCR Guild and your bond came back to your wallet.',
    );
  });

  it('takes an economy out of the comparison when its tree node is toggled', async () => {
    const user = userEvent.setup();
    renderWithBridge(<Economies />, fixtureBridge());
    const fast = await screen.findByRole('button', { name: /^Fast Lane \(FAST\)/ });
    await user.click(fast);
    expect(fast).toHaveAttribute('aria-pressed', 'false');
    expect(within(comparison()).getAllByRole('columnheader')).toHaveLength(2);
  });

  it('shows earnings and risk before bonding, checks the bond, and joins only after the user acknowledges', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('provider.join', joined);
    renderWithBridge(<Economies />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Join OCR Guild…' }));
    const panel = screen.getByTestId('join-panel');
    expect(within(panel).getByRole('heading', { name: 'Join OCR Guild' })).toHaveFocus();
    const bond = within(panel).getByLabelText('Bond (OCRG)');
    expect(bond).toHaveValue('50');

    const risk = await within(panel).findByTestId('risk');
    expect(risk).toHaveTextContent('moderate risk');
    expect(within(risk).getByTestId('miss-chance')).toHaveTextContent('3 % (about 1 job in 33)');
    expect(within(risk).getByTestId('miss-day')).toHaveTextContent('95 %');
    expect(within(risk).getByTestId('slash-day')).toHaveTextContent('57.6 OCRG per day');
    expect(within(risk).getByTestId('net-day')).toHaveTextContent('+314.88 OCRG per day');
    expect(risk).toHaveTextContent('that job’s collateral: 8 OCRG at today’s median fee');
    expect(within(risk).getByTestId('fees-day')).toHaveTextContent(
      '277.24 – 415.87 OCRG (expected 346.56 OCRG)paid by requesters, less the protocol fee; 90 % range',
    );
    expect(within(risk).getByTestId('emission-day')).toHaveTextContent(
      '23.32 – 25.92 OCRG (expected 25.92 OCRG)newly minted OCRG: what they are worth is OCRG’s price, which this estimate does not assume. This bond would be 11 % of the active stake',
    );
    expect(within(risk).getByTestId('jobs-day')).toHaveTextContent(
      'about 96 a day (4 an hour) of the 13 an hour posted here',
    );
    // The verdict is drawn from the figures beside it and says the speed was benchmarked.
    expect(within(risk).getByTestId('risk-verdict')).toHaveTextContent(
      'moderate risk At this machine’s benchmarked speed, expect occasional missed deadlines: about 1 job in 33 would miss its deadline; slashes would take 15 % of the earnings; a missed deadline is likely on any given day (95 %).',
    );
    expect(risk).toHaveTextContent(
      '3 strikes (missed deadlines or results voted invalid) jail you for 5 min',
    );

    await user.clear(bond);
    await user.type(bond, '40');
    expect(within(panel).getByText('The minimum bond in OCR Guild is 50 OCRG.')).toBeInTheDocument();
    await user.clear(bond);
    await user.type(bond, '90');
    expect(within(panel).getByText('Your wallet holds 80 OCRG: bond at most that.')).toBeInTheDocument();
    await user.clear(bond);
    await user.type(bond, '60');
    await waitFor(() =>
      expect(bridge.calls).toContainEqual({
        name: 'economies.estimate',
        params: { economy: f.FORK_OCR, bond: f.units('60') },
      }),
    );

    const confirm = within(panel).getByRole('button', { name: 'Bond 60 OCRG and join' });
    expect(confirm).toBeDisabled();
    await user.click(within(panel).getByRole('checkbox', { name: /I understand that this bond is locked/ }));
    await user.click(confirm);
    expect(bridge.calls).toContainEqual({
      name: 'provider.join',
      params: { economy: f.FORK_OCR, bond: f.units('60') },
    });
    const done = await screen.findByText('Joined OCR Guild.');
    expect(done.closest('.notice')).toHaveTextContent('Approve OCRG: 0x1111…1111');
    // Brought into view and focused (the panel was far down), with the next step.
    expect(screen.getByTestId('join-done')).toHaveFocus();
    expect(screen.getByTestId('join-done')).toHaveTextContent('Next: switch on Provide GPU on the Dashboard');
    expect(screen.queryByTestId('join-panel')).toBeNull();
  });

  it('switches from the economy served to a fork, warning plainly when the risk is high', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('provider.moveBond', joined);
    renderWithBridge(<Economies />, bridge);
    const column = await screen.findAllByRole('button', { name: 'Move from Flywheel Genesis…' });
    await user.click(column[1]!); // Fast Lane's column
    const panel = screen.getByTestId('join-panel');
    expect(within(panel).getByRole('heading')).toHaveTextContent('Move from Flywheel Genesis to Fast Lane');
    expect(panel).toHaveTextContent(
      'Your bond in Flywheel Genesis starts unbonding now and comes back after 5 min',
    );
    const risk = await within(panel).findByTestId('risk');
    expect(risk).toHaveTextContent('high risk');
    expect(risk).toHaveTextContent('Consider a lighter economy');
    await user.click(within(panel).getByRole('checkbox'));
    await user.click(within(panel).getByRole('button', { name: 'Bond 20 FAST and move' }));
    expect(bridge.calls).toContainEqual({
      name: 'provider.moveBond',
      params: { fromEconomy: f.GENESIS, toEconomy: f.FORK_FAST, bond: f.units('20', 6) },
    });
  });

  it('shows the standing in the economy served and exits after a confirmation', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('provider.exit', { membership: f.genesis.membership, txs: [] });
    renderWithBridge(<Economies />, bridge);
    const card = await screen.findByRole('region', { name: 'Your standing in Flywheel Genesis' });
    expect(card).toHaveTextContent('Bond150 FLY');
    expect(card).toHaveTextContent('Locked by jobs10 FLY (free: 140 FLY)');
    expect(card).toHaveTextContent('Strikes1 of 3 · at 3 you are jailed');
    expect(within(card).getByRole('img')).toHaveAccessibleName('10 FLY of 150 FLY locked by jobs');
    await user.click(within(card).getByRole('button', { name: 'Exit…' }));
    expect(card).toHaveTextContent('your bond comes back after 5 min');
    await user.click(within(card).getByRole('button', { name: 'Exit and start unbonding' }));
    expect(bridge.calls).toContainEqual({ name: 'provider.exit', params: { economy: f.GENESIS } });
  });

  it('counts the unbonding down and lets the bond be withdrawn once it is over', async () => {
    const now = Math.floor(Date.now() / 1000);
    const exiting = (endsAt: number) => ({
      ...f.genesis,
      membership: { ...f.genesis.membership, status: 'exiting' as const, unbondingEndsAt: endsAt },
    });
    const bridge = fixtureBridge().answer('economies.list', [exiting(now + 90), f.forkOcr, f.forkFast]);
    const view = renderWithBridge(<Economies />, bridge);
    const unbonding = await screen.findByTestId('unbonding');
    expect(unbonding).toHaveTextContent(/1 min (29|30) s left/);
    expect(within(unbonding).getByRole('button', { name: 'Withdraw bond' })).toBeDisabled();
    view.unmount();

    const user = userEvent.setup();
    const ended = fixtureBridge()
      .answer('economies.list', [exiting(now - 1), f.forkOcr, f.forkFast])
      .answer('provider.withdrawBond', { membership: f.genesis.membership, txs: [] });
    renderWithBridge(<Economies />, ended);
    const done = await screen.findByTestId('unbonding');
    expect(done).toHaveTextContent('Unbonded: the bond can be withdrawn');
    await user.click(within(done).getByRole('button', { name: 'Withdraw bond' }));
    expect(ended.calls).toContainEqual({ name: 'provider.withdrawBond', params: { economy: f.GENESIS } });
  });

  it('offers the fork allocation copied from the parent economy', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('provider.claimForkAllocation', {
      membership: f.forkOcr.membership,
      txs: [],
    });
    renderWithBridge(<Economies />, bridge);
    const claim = await screen.findByTestId('fork-allocation');
    expect(claim).toHaveTextContent('entitles you to 42.5 OCRG of OCR Guild’s genesis tokens');
    await user.click(within(claim).getByRole('button', { name: 'Claim 42.5 OCRG' }));
    expect(bridge.calls).toContainEqual({
      name: 'provider.claimForkAllocation',
      params: { economy: f.FORK_OCR },
    });
  });

  it('shows a refused bond as an alert with the node’s words and what to do', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('provider.join', {
      code: 'TX_FAILED',
      shortMessage: 'The chain refused the bond: allowance too low.',
    });
    renderWithBridge(<Economies />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Join OCR Guild…' }));
    const panel = screen.getByTestId('join-panel');
    await within(panel).findByTestId('risk');
    await user.click(within(panel).getByRole('checkbox'));
    await user.click(within(panel).getByRole('button', { name: /^Bond 50 OCRG/ }));
    const alert = await within(panel).findByRole('alert');
    expect(alert).toHaveTextContent('The chain refused the bond: allowance too low.');
    expect(alert).toHaveTextContent('Nothing was spent but gas.');
  });
});
