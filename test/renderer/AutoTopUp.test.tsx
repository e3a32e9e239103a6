import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Toasts } from '../../src/renderer/src/components/Toasts';
import { Settings } from '../../src/renderer/src/pages/Settings';
import { renderWithBridge } from './bridge';
import { fixtureBridge } from './fixtureBridge';
import * as f from './fixtures';

const form = () => screen.findByRole('form', { name: 'Bond auto top-up' });

describe('Settings: bond auto top-up', () => {
  it('is off by default; turning it on needs a cap above 0, then saves both', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderWithBridge(<Settings />, bridge);
    const card = await form();
    const toggle = within(card).getByRole('checkbox', { name: /Top up my bond from the wallet/ });
    expect(toggle).not.toBeChecked();
    await user.click(toggle);
    const cap = within(card).getByLabelText(/^Cap/);
    expect(cap).toHaveValue('0');
    expect(cap).toHaveAccessibleDescription('Set a cap above 0 to turn auto top-up on.');
    const save = within(card).getByRole('button', { name: 'Save auto top-up' });
    expect(save).toBeDisabled();
    await user.clear(cap);
    await user.type(cap, '20 LITE');
    expect(cap).toHaveAccessibleDescription('A token amount, such as 20 or 2.5.');
    await user.clear(cap);
    await user.type(cap, '20');
    expect(cap).toHaveAttribute('aria-invalid', 'false');
    await user.click(save);
    expect(bridge.calls).toContainEqual({
      name: 'settings.update',
      params: { patch: { autoTopUp: { enabled: true, cap: '20' } } },
    });
    expect(await within(card).findByRole('status')).toHaveTextContent('Saved.');
  });

  it('shows what it added in each economy and why it last could not', async () => {
    const bridge = fixtureBridge().answer('provider.get', {
      ...f.providerStopped,
      autoTopUp: [
        {
          economy: f.GENESIS,
          name: 'Flywheel Genesis',
          added: '5000000000000000000',
          text: 'Added 5 FLY to the bond in Flywheel Genesis (bond 95 FLY < 100 minimum) from the wallet: 5 FLY of the 20 FLY cap used.',
        },
        {
          economy: f.FORK_OCR,
          name: 'OCR Guild',
          added: '0',
          text: 'Auto top-up could not restore the bond in OCR Guild (bond 45 OCRG < 50 minimum): it needs 5 OCRG but the wallet holds 2 OCRG.',
        },
      ],
    });
    renderWithBridge(<Settings />, bridge);
    const list = await within(await form()).findByTestId('auto-top-ups');
    const items = within(list).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Flywheel Genesis: Added 5 FLY to the bond');
    expect(items[1]).toHaveTextContent('OCR Guild: Auto top-up could not restore the bond');
  });

  it('toasts a top-up politely and a refusal as an alert that stays', async () => {
    const bridge = fixtureBridge();
    renderWithBridge(<Toasts />, bridge);
    const toasts = screen.getByRole('region', { name: 'Notifications' });
    act(() =>
      bridge.push('provider.autoTopUp', {
        economy: f.GENESIS,
        name: 'Flywheel Genesis',
        outcome: 'added',
        amount: '5000000000000000000',
        text: 'Added 5 FLY to the bond in Flywheel Genesis (bond 95 FLY < 100 minimum) from the wallet: 5 FLY of the 20 FLY cap used.',
        t: Date.now(),
      }),
    );
    act(() =>
      bridge.push('provider.autoTopUp', {
        economy: f.FORK_OCR,
        name: 'OCR Guild',
        outcome: 'skipped',
        amount: null,
        text: 'Auto top-up could not restore the bond in OCR Guild (bond 45 OCRG < 50 minimum): it needs 5 OCRG but the cap leaves 0 OCRG (20 OCRG of 20 OCRG added so far).',
        t: Date.now(),
      }),
    );
    await waitFor(() =>
      expect(within(toasts).getByRole('status')).toHaveTextContent('Bond topped up in Flywheel Genesis'),
    );
    expect(within(toasts).getByRole('alert')).toHaveTextContent(
      'Auto top-up could not restore the bond in OCR Guild',
    );
  });
});
