import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Earnings } from '../../src/renderer/src/pages/Earnings';
import { renderWithBridge, TestBridge } from './bridge';
import { fixtureBridge, unavailableBridge } from './fixtureBridge';
import * as f from './fixtures';

const hash = `0x${'f'.repeat(64)}` as const;

describe('Earnings', () => {
  it('loads', () => {
    renderWithBridge(
      <Earnings />,
      new TestBridge().hang('earnings.get').hang('economies.list').hang('node.status'),
    );
    expect(screen.getByRole('status')).toHaveTextContent('Loading earnings…');
  });

  it('shows the chain connection not running calmly', async () => {
    renderWithBridge(<Earnings />, unavailableBridge());
    expect(await screen.findByText('The chain connection is not running on this node.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('explains how earnings start when there are none, and still lets the payout address be set', async () => {
    renderWithBridge(<Earnings />, fixtureBridge().answer('earnings.get', f.emptyEarnings));
    expect(await screen.findByText(/No earnings yet/)).toBeInTheDocument();
    expect(screen.getByLabelText('Payout address')).toBeInTheDocument();
  });

  it('totals each token apart: pending, claimable and withdrawn as one bar', async () => {
    renderWithBridge(<Earnings />, fixtureBridge());
    const fly = await screen.findByTestId('totals-FLY');
    expect(fly).toHaveTextContent('61.2 FLYclaimable now');
    expect(within(fly).getByRole('img')).toHaveAccessibleName(
      'Pending 4.75 FLY, Claimable 61.2 FLY, Withdrawn 100 FLY',
    );
    const segments = fly.querySelectorAll<HTMLElement>('.stacked-bar .seg');
    expect([...segments].map((s) => s.style.width)).toEqual(['2.86%', '36.87%', '60.25%']);
    expect(fly).toHaveTextContent('Lifetime166.95 FLY');
    expect(screen.getByTestId('totals-FAST')).toHaveTextContent('0.35 FAST');
  });

  it('lists each economy in its own token and charts the running totals per token', async () => {
    renderWithBridge(<Earnings />, fixtureBridge());
    const table = await screen.findByTestId('economy-earnings');
    const genesis = within(table).getByRole('row', { name: /Flywheel Genesis/ });
    expect(genesis).toHaveTextContent('150 FLY4.75 FLY61.2 FLY100 FLY5 FLY');
    expect(screen.getByTestId('earnings-chart-FLY')).toHaveTextContent(
      'FLY: 166.95 FLY earned, 100 FLY withdrawn, over 5 payouts and withdrawals',
    );
    expect(screen.getByTestId('earnings-chart-FAST')).toHaveTextContent('FAST: 0.35 FAST earned');
  });

  it('lists the history newest first, emission given up by a missed deadline among it', async () => {
    renderWithBridge(<Earnings />, fixtureBridge());
    const items = within(await screen.findByTestId('earnings-history')).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Fee (job 40) · 9.575 FLY in Flywheel Genesis');
    const forfeit = items.find((i) => i.textContent?.includes('given up'));
    expect(forfeit).toHaveTextContent(
      'Emission given up by a missed deadline or a rejected result · 0.8 FLY in Flywheel Genesis',
    );
  });

  it('withdraws all that is worth its gas, and offers the rest with the gas said', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('earnings.withdraw', ({ force }) => ({
      txs: [
        { economy: f.GENESIS, amount: f.units('61.2'), hash },
        ...(force
          ? [{ economy: f.FORK_FAST, amount: f.units('0.35', 6), hash: `0x${'e'.repeat(64)}` as const }]
          : []),
      ],
    }));
    renderWithBridge(<Earnings />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Withdraw all…' }));
    const panel = screen.getByTestId('withdraw-panel');
    expect(within(panel).getByRole('heading', { name: 'Withdraw from every economy' })).toHaveFocus();
    const quotes = await within(panel).findByTestId('quotes');
    expect(quotes).toHaveTextContent('Flywheel Genesis: 61.2 FLY for about 0.00021 ETH of gas');
    expect(quotes).toHaveTextContent('Wait: the gas would cost more than 0.35 FAST pays.');
    expect(
      within(panel).getByRole('button', { name: 'Withdraw all anyway · gas ≈ 0.0004 ETH' }),
    ).toBeEnabled();
    await user.click(
      within(panel).getByRole('button', { name: 'Withdraw the 1 worth it · gas ≈ 0.00021 ETH' }),
    );
    expect(bridge.calls).toContainEqual({
      name: 'earnings.withdraw',
      params: { economy: 'all', force: false },
    });
    const done = await within(panel).findByRole('status');
    expect(done).toHaveTextContent('Sent 1 withdrawal.');
    expect(done).toHaveTextContent('61.2 FLY from Flywheel Genesis: 0xffff…ffff');
    await user.click(within(panel).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('withdraw-panel')).toBeNull();
  });

  it('shows the same amount in the card and the dialog, explains the emission claimed at withdrawal, and says what was sent', async () => {
    const user = userEvent.setup();
    const fly = f.earnings.totals.find((t) => t.token.symbol === 'FLY')!;
    const report = {
      ...f.earnings,
      totals: f.earnings.totals.map((t) => (t === fly ? { ...t, pendingEmission: f.units('1.2345678') } : t)),
    };
    const quote = {
      ...f.quotesAll[0]!,
      amount: fly.claimable,
      settled: (BigInt(fly.claimable) - BigInt(f.units('1.2345678'))).toString(),
      accruedEmission: f.units('1.2345678'),
      emissionPerSecond: f.units('0.5'),
    };
    const sent = (BigInt(fly.claimable) + BigInt(f.units('1.5'))).toString();
    const bridge = fixtureBridge()
      .answer('earnings.get', report)
      .answer('earnings.quote', [quote])
      .answer('earnings.withdraw', { txs: [{ economy: f.GENESIS, amount: sent, hash }] });
    renderWithBridge(<Earnings />, bridge);
    const card = await screen.findByTestId('totals-FLY');
    expect(within(card).getByTestId('claimable-emission')).toHaveTextContent(
      'Of which 1.2345 FLY is emission accrued since the last settlement: it keeps growing while you serve and is claimed when you withdraw.',
    );
    await user.click(screen.getByRole('button', { name: 'Withdraw from Flywheel Genesis' }));
    const panel = screen.getByTestId('withdraw-panel');
    const quotes = await within(panel).findByTestId('quotes');
    // The card's figure and the dialog's, with the same rounding.
    const cardText = card.querySelector('.big-amount .amount')!.textContent;
    expect(cardText).toBe('61.2 FLY');
    expect(quotes).toHaveTextContent(`Flywheel Genesis: ${cardText} for about`);
    expect(within(panel).getByTestId('quote-parts')).toHaveTextContent(
      'That is 59.9654 FLY already settled and 1.2345 FLY of emission accrued to your bond since its last settlement, which the withdrawal claims first. Emission keeps accruing (about 30 FLY a minute), so the amount sent is what the chain pays when the transaction lands.',
    );
    await user.click(within(panel).getByRole('button', { name: /^Withdraw · gas/ }));
    const done = await within(panel).findByTestId('withdrawn-amount');
    expect(done).toHaveTextContent('62.7 FLY from Flywheel Genesis: 0xffff…ffff');
    expect(done).toHaveTextContent(
      '1.5 FLY more than quoted: emission that accrued while the transaction was mined.',
    );
  });

  it('withdraws one economy, forcing it only when the user accepts the gas', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('earnings.withdraw', { txs: [] });
    renderWithBridge(<Earnings />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Withdraw from Fast Lane' }));
    const panel = screen.getByTestId('withdraw-panel');
    await within(panel).findByTestId('quotes');
    expect(within(panel).queryByRole('button', { name: /^Withdraw the/ })).toBeNull();
    await user.click(within(panel).getByRole('button', { name: /^Withdraw\s+anyway/ }));
    expect(bridge.calls).toContainEqual({
      name: 'earnings.withdraw',
      params: { economy: f.FORK_FAST, force: true },
    });
  });

  it('keeps withdraw buttons off where nothing is claimable', async () => {
    const report = {
      ...f.earnings,
      economies: f.earnings.economies.map((e) => ({ ...e, claimable: '0' })),
    };
    renderWithBridge(<Earnings />, fixtureBridge().answer('earnings.get', report));
    expect(await screen.findByRole('button', { name: 'Withdraw all…' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Withdraw from Flywheel Genesis' })).toBeDisabled();
  });

  it('checks and saves the payout address', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderWithBridge(<Earnings />, bridge);
    const input = await screen.findByLabelText('Payout address');
    const save = screen.getByRole('button', { name: 'Save payout address' });
    await user.type(input, '0x12');
    expect(screen.getByText('An address is 0x followed by 40 hexadecimal characters.')).toBeInTheDocument();
    expect(save).toBeDisabled();
    await user.clear(input);
    await user.type(input, f.WALLET);
    await user.click(save);
    expect(bridge.calls).toContainEqual({
      name: 'settings.update',
      params: { patch: { payoutAddress: f.WALLET } },
    });
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
  });
});
