import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Penalties } from '../../src/renderer/src/pages/Penalties';
import { renderWithBridge, TestBridge } from './bridge';
import { fixtureBridge, unavailableBridge } from './fixtureBridge';
import * as f from './fixtures';

describe('Penalties', () => {
  it('loads', () => {
    renderWithBridge(
      <Penalties />,
      new TestBridge().hang('penalties.list').hang('economies.list').hang('node.status'),
    );
    expect(screen.getByRole('status')).toHaveTextContent('Loading penalties…');
  });

  it('says plainly when there are none', async () => {
    renderWithBridge(<Penalties />, fixtureBridge().answer('penalties.list', []));
    expect(
      await screen.findByText(/No penalties: every job assigned to you was submitted in time/),
    ).toBeInTheDocument();
  });

  it('shows the chain connection not running calmly', async () => {
    renderWithBridge(<Penalties />, unavailableBridge());
    expect(await screen.findByText('The chain connection is not running on this node.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('puts each penalty on a timeline with its evidence, the amount and what to do', async () => {
    renderWithBridge(<Penalties />, fixtureBridge());
    const items = within(await screen.findByTestId('penalty-timeline')).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    await waitFor(() =>
      expect(items[0]).toHaveTextContent('Missed deadline on job #15 in Flywheel Genesis · −5 FLY'),
    );
    expect(items[0]).toHaveTextContent(
      'this node never submitted a result. The model fetch from the blob store timed out.',
    );
    expect(items[0]).toHaveTextContent('What to do: Check the blob store is reachable');
    expect(within(items[0]!).getByRole('link', { name: 'job #15' })).toHaveAttribute(
      'href',
      `#/jobs/${encodeURIComponent(`${f.GENESIS}:15`)}`,
    );
    expect(items[1]).toHaveTextContent('Strike on job #2 in Fast Lane');
    expect(items[1]).toHaveTextContent('the result came 12 s late.');
  });

  it('adds a penalty the moment the chain shows it', async () => {
    const bridge = fixtureBridge();
    renderWithBridge(<Penalties />, bridge);
    await screen.findByTestId('penalty-timeline');
    act(() =>
      bridge.push('penalties.added', {
        ...f.penalties[0]!,
        id: 'p4',
        kind: 'jail',
        jobId: null,
        amount: null,
        evidence: { reason: '3 strikes in Flywheel Genesis' },
        advice: 'Wait out the 10 min cool-down, then lower "Jobs at once" before providing again.',
      }),
    );
    const items = within(screen.getByTestId('penalty-timeline')).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('Jailed in Flywheel Genesis');
    expect(items[0]).toHaveTextContent('Evidence: 3 strikes in Flywheel Genesis');
    expect(screen.getByRole('heading', { name: '3 penalties' })).toBeInTheDocument();
  });

  it('shows other providers’ slashes and jails of the last day, or says there were none', async () => {
    renderWithBridge(<Penalties />, fixtureBridge());
    const items = within(await screen.findByTestId('network-penalties')).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    await waitFor(() =>
      expect(items[0]).toHaveTextContent(
        '0x976E…0aa9 lost 5 FLY in Flywheel Genesis on job #41: it missed the deadline.',
      ),
    );
    expect(items[1]).toHaveTextContent(
      /^0x14dC…9955 was jailed in Fast Lane until .+: repeated missed deadlines\./,
    );
    cleanup();
    renderWithBridge(<Penalties />, fixtureBridge().answer('penalties.network', []));
    expect(await screen.findByText('No provider was slashed or jailed in the last day.')).toBeInTheDocument();
  });

  it('shows raw base units, labelled, while the token of an economy is not known', async () => {
    renderWithBridge(
      <Penalties />,
      fixtureBridge().answer('economies.list', f.unavailable('chain connection')),
    );
    const items = within(await screen.findByTestId('penalty-timeline')).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(`${f.units('5')} base units`);
    expect(items[0]).toHaveTextContent(f.GENESIS);
  });
});
