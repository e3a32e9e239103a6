import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/src/App';
import { BridgeProvider } from '../../src/renderer/src/lib/api';
import { fixtureBridge } from './fixtureBridge';
import * as f from './fixtures';
import type { TestBridge } from './bridge';

function renderApp(bridge: TestBridge) {
  return render(
    <BridgeProvider bridge={bridge}>
      <App />
    </BridgeProvider>,
  );
}

beforeEach(() => {
  window.location.hash = '';
});
afterEach(() => {
  document.documentElement.removeAttribute('data-theme');
});

describe('App', () => {
  it('has a skip link first, a labelled navigation and the page heading', async () => {
    renderApp(fixtureBridge());
    const links = screen.getAllByRole('link');
    expect(links[0]).toHaveTextContent('Skip to content');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((l) => l.textContent),
    ).toEqual(['Dashboard', 'Economies', 'Jobs', 'Earnings', 'Penalties', 'Validate', 'Fleet', 'Settings']);
    expect(within(nav).getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Dashboard');
    expect(await screen.findByTestId('score')).toBeInTheDocument();
  });

  it('moves focus to the content with the skip link, without changing the route', async () => {
    const user = userEvent.setup();
    renderApp(fixtureBridge());
    await user.tab();
    expect(screen.getByRole('link', { name: 'Skip to content' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('heading', { level: 1 })).toHaveFocus();
    expect(window.location.hash).toBe('');
  });

  it('follows the hash to each page, and focuses its heading', async () => {
    renderApp(fixtureBridge());
    act(() => {
      window.location.hash = '#/penalties';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading).toHaveTextContent('Penalties');
    expect(heading).toHaveFocus();
    expect(await screen.findByTestId('penalty-timeline')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Penalties' })).toHaveAttribute('aria-current', 'page');

    act(() => {
      window.location.hash = `#/jobs/${encodeURIComponent(f.vadDetail.key)}`;
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(await screen.findByTestId('vad-timeline')).toBeInTheDocument();
  });

  it('applies the saved theme to <html>, and follows a change made elsewhere', async () => {
    const bridge = fixtureBridge().answer('settings.get', { ...f.settings, ui: { theme: 'dark' } });
    renderApp(bridge);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    act(() => bridge.push('settings.changed', { ...f.settings, ui: { theme: 'light' } }));
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('toasts one event once, however often the node reports it, and keeps toasts out of the page', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderApp(bridge);
    const toasts = screen.getByRole('region', { name: 'Notifications' });
    // In the sidebar, not over the page it talks about.
    expect(toasts.closest('nav')).not.toBeNull();
    expect(toasts.closest('main')).toBeNull();
    const slash = {
      kind: 'slashed' as const,
      title: 'Slashed in job 73',
      body: 'Job 73 missed its deadline: 5 FLY of collateral.',
      t: f.NOW_S,
    };
    for (let i = 0; i < 3; i++) act(() => bridge.push('node.notification', { ...slash, t: f.NOW_S + i }));
    for (let i = 0; i < 2; i++)
      act(() =>
        bridge.push('node.notification', {
          kind: 'job-finalized',
          title: 'Job 42 finalized',
          body: '2.375 FLY added to your claimable balance.',
          t: f.NOW_S,
        }),
      );
    expect(within(toasts).getAllByRole('alert')).toHaveLength(1);
    expect(within(toasts).getAllByRole('status')).toHaveLength(1);
    // Dismissed, the same event seen again does not come back; another slash does.
    await user.click(within(within(toasts).getByRole('alert')).getByRole('button', { name: 'Dismiss' }));
    act(() => bridge.push('node.notification', slash));
    expect(within(toasts).queryByRole('alert')).toBeNull();
    act(() =>
      bridge.push('node.notification', { ...slash, title: 'Slashed in job 74', body: 'Job 74 missed.' }),
    );
    expect(within(toasts).getByRole('alert')).toHaveTextContent('Slashed in job 74');
  });

  it('toasts what the node says: good news politely, a slash as an alert that stays', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderApp(bridge);
    const toasts = screen.getByRole('region', { name: 'Notifications' });
    act(() =>
      bridge.push('node.notification', {
        kind: 'job-finalized',
        title: 'Job #40 finalized',
        body: '2.375 FLY added to claimable.',
        t: f.NOW_S,
      }),
    );
    act(() =>
      bridge.push('node.notification', {
        kind: 'slashed',
        title: 'Slashed 5 FLY in Flywheel Genesis',
        body: 'Job #15 missed its deadline.',
        t: f.NOW_S,
      }),
    );
    expect(within(toasts).getByRole('status')).toHaveTextContent(
      'Job #40 finalized2.375 FLY added to claimable.',
    );
    const slash = within(toasts).getByRole('alert');
    expect(slash).toHaveTextContent('Slashed 5 FLY in Flywheel Genesis');
    await user.click(within(slash).getByRole('button', { name: 'Dismiss' }));
    expect(within(toasts).queryByRole('alert')).toBeNull();
  });

  it('keeps one toast per transaction, from pending to confirmed', () => {
    const bridge = fixtureBridge();
    renderApp(bridge);
    const toasts = screen.getByRole('region', { name: 'Notifications' });
    const tx = { label: 'Withdraw 61.2 FLY', hash: `0x${'f'.repeat(64)}` as const, economy: f.GENESIS };
    act(() => bridge.push('tx.updated', { ...tx, status: 'pending' }));
    expect(toasts).toHaveTextContent('Withdraw 61.2 FLY: waiting for the chain…');
    act(() => bridge.push('tx.updated', { ...tx, status: 'confirmed' }));
    expect(within(toasts).getAllByRole('status')).toHaveLength(1);
    expect(toasts).toHaveTextContent('Withdraw 61.2 FLY: confirmed');
    act(() =>
      bridge.push('tx.updated', {
        ...tx,
        hash: `0x${'e'.repeat(64)}`,
        status: 'failed',
        error: 'nonce too low',
      }),
    );
    expect(within(toasts).getByRole('alert')).toHaveTextContent('Withdraw 61.2 FLY: failednonce too low');

    // The job loop's routine transactions: silent while they go through, heard when one fails.
    const submit = {
      label: 'Submit the result of job 8',
      hash: `0x${'d'.repeat(64)}` as const,
      routine: true,
    };
    act(() => bridge.push('tx.updated', { ...submit, economy: f.GENESIS, status: 'pending' }));
    act(() => bridge.push('tx.updated', { ...submit, economy: f.GENESIS, status: 'confirmed' }));
    expect(toasts).not.toHaveTextContent('Submit the result of job 8');
    act(() =>
      bridge.push('tx.updated', {
        ...submit,
        hash: `0x${'c'.repeat(64)}`,
        economy: f.GENESIS,
        status: 'failed',
        error: 'replacement underpriced',
      }),
    );
    expect(toasts).toHaveTextContent('Submit the result of job 8: failedreplacement underpriced');
  });
});
