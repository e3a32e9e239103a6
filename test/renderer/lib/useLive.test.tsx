import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useLive } from '../../../src/renderer/src/lib/api';
import { renderWithBridge, TestBridge } from '../bridge';

function Names() {
  const state = useLive('settings.get', {}, 'settings.changed');
  return (
    <div>
      <p data-testid="error">{state.error?.shortMessage ?? 'none'}</p>
      <p data-testid="theme">{state.data?.ui.theme ?? 'no data'}</p>
    </div>
  );
}

describe('useLive', () => {
  it('drops an error from before the node pushed fresh data (the first call failed while the chain was not up)', async () => {
    const bridge = new TestBridge()
      .answer('settings.get', { code: 'UNAVAILABLE', shortMessage: 'The node is not connected to a chain.' })
      .answer('economies.list', []);
    renderWithBridge(<Names />, bridge);
    expect(await screen.findByText('The node is not connected to a chain.')).toBeTruthy();
    const { defaultSettings } = await import('../../../src/shared/api/settings');
    act(() => bridge.push('settings.changed', { ...defaultSettings, ui: { theme: 'dark' } }));
    expect(screen.getByTestId('theme').textContent).toBe('dark');
    expect(screen.getByTestId('error').textContent).toBe('none');
  });
});
