import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { FleetNode, FleetReport } from '../../src/shared/api';
import { Fleet } from '../../src/renderer/src/pages/Fleet';
import { renderWithBridge, TestBridge } from './bridge';
import * as f from './fixtures';

const { fleetRigA: rigA, fleetRigB: rigB, fleet: report } = f;

describe('Fleet', () => {
  it('shows the nodes side by side: provider, jobs/h, earnings per token, GPU temperatures, alerts', async () => {
    const bridge = new TestBridge().answer('fleet.list', report).answer('fleet.refresh', report);
    renderWithBridge(<Fleet />, bridge);
    const cards = await screen.findAllByTestId('fleet-node');
    expect(cards.map((c) => c.getAttribute('data-state'))).toEqual(['answering', 'not-answering']);
    const [a, b] = cards as [HTMLElement, HTMLElement];
    expect(within(a).getByRole('heading', { name: 'rig A' })).toBeInTheDocument();
    expect(within(a).getByTestId('fleet-provider')).toHaveTextContent(
      'Providing in 1 economy · 1 of 2 slots busy',
    );
    expect(within(a).getByTestId('fleet-jobs')).toHaveTextContent('42');
    expect(within(a).getByTestId('fleet-earnings')).toHaveTextContent('61.2 FLY claimable');
    expect(within(a).getByTestId('fleet-gpus')).toHaveTextContent('RTX 4090: 86 °C · 97 % busy · 410 W');
    expect(within(a).getByTestId('fleet-alerts')).toHaveTextContent('RTX 4090 (gpu0) at 86 °C.');
    // The node that does not answer says since when, and cannot be steered.
    expect(within(b).getByText('not answering')).toBeInTheDocument();
    expect(within(b).getByTestId('fleet-down')).toHaveTextContent(
      /^Not answering since .+ \(1 min 30 s ago\)/,
    );
    expect(within(b).getByRole('button', { name: 'Stop providing' })).toBeDisabled();
    expect(screen.getByTestId('fleet-summary')).toHaveTextContent('2 nodes, 1 not answering.');
    // Opening the page checks them now.
    await waitFor(() => expect(bridge.calls.map((c) => c.name)).toContain('fleet.refresh'));
  });

  it('stops providing at a node through the node, and follows the pushed report', async () => {
    const stopped: FleetNode = { ...rigA, provider: f.providerStopped, alerts: [] };
    const bridge = new TestBridge()
      .answer('fleet.list', report)
      .answer('fleet.refresh', report)
      .answer('fleet.stopProviding', stopped);
    renderWithBridge(<Fleet />, bridge);
    const [a] = (await screen.findAllByTestId('fleet-node')) as [HTMLElement];
    await userEvent.click(within(a).getByRole('button', { name: 'Stop providing' }));
    expect(bridge.calls.find((c) => c.name === 'fleet.stopProviding')?.params).toEqual({ id: rigA.id });
    bridge.push('fleet.changed', { ...report, nodes: [stopped, rigB] });
    const after = (await screen.findAllByTestId('fleet-node'))[0]!;
    await waitFor(() =>
      expect(within(after).getByTestId('fleet-provider')).toHaveTextContent('Not providing (switched off)'),
    );
    expect(within(after).getByRole('button', { name: 'Start providing' })).toBeEnabled();
  });

  it('says a locked wallet leaves the tokens unreadable, and adding waits for it', async () => {
    const locked: FleetReport = {
      nodes: [
        { ...rigA, state: 'locked', error: 'The wallet is locked: fleet tokens are unreadable.', alerts: [] },
      ],
      tokensReadable: false,
      tokensNote: 'The wallet is locked: fleet tokens are unreadable until it is unlocked.',
    };
    renderWithBridge(
      <Fleet />,
      new TestBridge().answer('fleet.list', locked).answer('fleet.refresh', locked),
    );
    expect(await screen.findByTestId('fleet-locked')).toHaveTextContent(
      'The wallet is locked: fleet tokens are unreadable until it is unlocked.',
    );
    expect(screen.getByText('token locked')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add node' })).toBeDisabled();
  });

  it('adds a node by its URL and shows why the node refused one', async () => {
    const empty: FleetReport = { nodes: [], tokensReadable: true, tokensNote: null };
    // The first try is refused by the node, in its words.
    const bridge = new TestBridge()
      .answer('fleet.list', empty)
      .answer('fleet.refresh', empty)
      .answer('fleet.add', {
        code: 'BAD_INPUT',
        shortMessage: 'The node at http://127.0.0.1:7421 refused that token.',
        action: 'Paste its current URL (with #token=…); a rotated token replaces the old one.',
      });
    renderWithBridge(<Fleet />, bridge);
    expect(await screen.findByText(/No other nodes yet/)).toBeInTheDocument();
    await userEvent.type(
      screen.getByLabelText('URL'),
      'http://127.0.0.1:7421/#token=abcdefghijklmnopqrstuvwxyz',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Add node' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The node at http://127.0.0.1:7421 refused that token.',
    );
    expect(bridge.calls.find((c) => c.name === 'fleet.add')?.params).toEqual({
      url: 'http://127.0.0.1:7421/#token=abcdefghijklmnopqrstuvwxyz',
    });
    bridge.answer('fleet.add', rigA);
    await userEvent.click(screen.getByRole('button', { name: 'Add node' }));
    await waitFor(() => expect(screen.getByLabelText('URL')).toHaveValue(''));
  });
});
