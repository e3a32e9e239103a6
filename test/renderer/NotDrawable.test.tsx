import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { EconomySummary, ProviderState } from '../../src/shared/api';
import { ProvideSwitch } from '../../src/renderer/src/pages/dashboard/ProvideSwitch';
import { MembershipCard } from '../../src/renderer/src/pages/economies/MembershipCard';
import { renderWithBridge } from './bridge';
import { fixtureBridge } from './fixtureBridge';
import * as f from './fixtures';

/** OCR Guild (minimum bond 50 OCRG) after a timeout slash took the bond to 45. */
const slashed: EconomySummary = {
  ...f.forkOcr,
  membership: { ...f.genesis.membership, bond: f.units('45'), stake: '0', free: f.units('35') },
};

describe('a bond under the minimum, a jail, a pause are loud', () => {
  it('the membership card says "not drawable", never "serving", and tops the bond up in one click', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('provider.addBond', { membership: slashed.membership, txs: [] });
    renderWithBridge(<MembershipCard summary={slashed} />, bridge);
    const card = screen.getByTestId('membership');
    expect(within(card).getByRole('heading')).toHaveTextContent('OCR Guild not drawable');
    expect(within(card).queryByText('serving')).toBeNull();
    expect(screen.getByTestId('not-drawable')).toHaveTextContent(
      'not drawable: bond 45 OCRG < 50 minimum — add 5 OCRG',
    );
    await user.click(screen.getByRole('button', { name: 'Add 5 OCRG' }));
    await waitFor(() =>
      expect(bridge.calls.find((c) => c.name === 'provider.addBond')?.params).toEqual({
        economy: f.FORK_OCR,
        amount: f.units('5'),
      }),
    );
  });

  it('says a jail with its end and a pause after 3 no-shows, without a top-up', () => {
    const { unmount } = renderWithBridge(
      <MembershipCard
        summary={{
          ...f.forkOcr,
          membership: {
            ...slashed.membership,
            bond: f.units('60'),
            status: 'jailed',
            jailedUntil: 1_796_418_300,
          },
        }}
      />,
      fixtureBridge(),
    );
    expect(screen.getByTestId('not-drawable')).toHaveTextContent('jailed until 2026-12-04 21:05 UTC');
    expect(screen.queryByRole('button', { name: /^Add \d/ })).toBeNull();
    unmount();
    renderWithBridge(
      <MembershipCard
        summary={{
          ...f.forkOcr,
          membership: { ...slashed.membership, bond: f.units('60'), status: 'paused', noShows: 3 },
        }}
      />,
      fixtureBridge(),
    );
    expect(screen.getByTestId('not-drawable')).toHaveTextContent('paused on-chain after 3 no-shows');
  });

  it('the dashboard says "Not drawable", not "Providing", and offers the top-up', async () => {
    const user = userEvent.setup();
    const state: ProviderState = {
      ...f.providerOn,
      status: 'held',
      reason: 'Not drawable in OCR Guild: bond 45 OCRG < 50 minimum — add 5 OCRG',
      serving: [],
      notDrawable: [
        {
          economy: f.FORK_OCR,
          name: 'OCR Guild',
          reason: 'not drawable: bond 45 OCRG < 50 minimum — add 5 OCRG',
          topUp: f.units('5'),
        },
      ],
    };
    const bridge = fixtureBridge()
      .answer('provider.get', state)
      .answer('provider.addBond', { membership: slashed.membership, txs: [] });
    renderWithBridge(<ProvideSwitch />, bridge);
    expect(await screen.findByTestId('provider-status')).toHaveTextContent(
      'Held back: Not drawable in OCR Guild: bond 45 OCRG < 50 minimum — add 5 OCRG',
    );
    expect(screen.getByTestId('provider-status')).not.toHaveTextContent('Providing');
    expect(screen.getByTestId('not-drawable')).toHaveTextContent('OCR Guild: not drawable: bond 45 OCRG');
    await user.click(screen.getByRole('button', { name: 'Add the missing bond' }));
    await waitFor(() => expect(bridge.calls.some((c) => c.name === 'provider.addBond')).toBe(true));
  });
});
