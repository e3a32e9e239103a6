import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChallengeEvidence, NetworkPenalty, Penalty } from '../../src/shared/api';
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
      /^0x14dC…9955 was jailed in Fast Lane until .+: 3 strikes: 3 results voted invalid\./,
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

  describe('a slash says which rule took it, and a lost challenge shows its evidence', () => {
    const submittedHash = `0x${'ab'.repeat(32)}` as const;
    const referenceHash = `0x${'cd'.repeat(32)}` as const;
    const challenge: ChallengeEvidence = {
      challenger: '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
      evidenceUri: `blob:0x${'ef'.repeat(32)}`,
      policy: 'argmax agreement ≥ 99 %',
      figures: 'agreement 41.2 % < 99 % (23 of 40 rows differ)',
      detail: 'first differing row softmax_11.tmp_0[0, 3]: largest value at 17, the re-run’s at 245',
      submittedHash,
      referenceHash,
      unavailable: null,
      policyMismatch: null,
      vote: {
        validWeight: '0',
        invalidWeight: f.units('210'),
        quorum: f.units('90'),
        quorumMet: true,
        resultValid: false,
      },
    };
    const lost: Penalty = {
      id: 'c1',
      t: f.NOW_S - 60,
      block: 1300,
      txHash: `0x${'12'.repeat(32)}`,
      economy: f.GENESIS,
      kind: 'challenge-lost',
      jobId: '21',
      amount: f.units('5'),
      evidence: {
        submittedAt: f.NOW_S - 90,
        rule: 'lost-challenge',
        split: {
          toRequester: '0',
          toTreasury: '0',
          toWinner: f.units('1.25'),
          toVoters: f.units('1.25'),
          burned: f.units('2.5'),
        },
        reason: `validators voted the result invalid (policy: argmax agreement ≥ 99 %): ${challenge.figures}`,
        challenge,
      },
      advice: 'A validator re-ran the job and this node’s output failed the model’s policy; the vote agreed.',
    };
    const timeoutSlash: Penalty = {
      id: 's1',
      t: f.NOW_S - 30,
      block: 1310,
      txHash: `0x${'34'.repeat(32)}`,
      economy: f.GENESIS,
      kind: 'slash',
      jobId: '22',
      amount: f.units('5'),
      evidence: {
        deadline: f.NOW_S - 40,
        submittedAt: null,
        rule: 'missed-deadline',
        split: {
          toRequester: f.units('2'),
          toTreasury: f.units('3'),
          toWinner: '0',
          toVoters: '0',
          burned: '0',
        },
        reason: 'SLA collateral taken for a missed deadline',
      },
      advice: 'The job’s collateral was taken from the bond.',
    };

    it('shows the policy in words, the figures compared, both outputs, the vote and where the slash went', async () => {
      renderWithBridge(<Penalties />, fixtureBridge().answer('penalties.list', [lost]));
      const [item] = within(await screen.findByTestId('penalty-timeline')).getAllByRole('listitem');
      await waitFor(() =>
        expect(item).toHaveTextContent('Challenge lost on job #21 in Flywheel Genesis · −5 FLY'),
      );
      expect(item).toHaveTextContent(
        'Rule: lost challenge (validators voted the result wrong by the model’s policy).',
      );
      expect(item).toHaveTextContent(
        'Where it went: 1.25 FLY to the challenger · 1.25 FLY to the validators who voted with the outcome · 2.5 FLY burned.',
      );
      const evidence = within(item!).getByTestId('challenge-evidence');
      expect(evidence).toHaveTextContent('Policyargmax agreement ≥ 99 %');
      expect(evidence).toHaveTextContent('Comparedagreement 41.2 % < 99 % (23 of 40 rows differ)');
      expect(evidence).toHaveTextContent('first differing row softmax_11.tmp_0[0, 3]');
      expect(evidence).toHaveTextContent('this node’s 0xabab…abab · the challenger’s re-run 0xcdcd…cdcd');
      expect(evidence).toHaveTextContent(
        'Voteinvalid 210 FLY · valid 0 FLY · quorum 90 FLY met: the result was rejected',
      );
      expect(evidence).toHaveTextContent('Challenger0x9965…A4dc · evidence blob:0xefef…efef');
    });

    it('says plainly when the evidence cannot be fetched, and still shows the policy and the vote', async () => {
      const unfetched: Penalty = {
        ...lost,
        evidence: {
          ...lost.evidence,
          reason: 'validators voted the result invalid',
          challenge: {
            ...challenge,
            figures: null,
            detail: null,
            submittedHash: null,
            referenceHash: null,
            unavailable: `The challenger’s evidence (blob:0x${'ef'.repeat(32)}) could not be fetched or read: That blob is not in the local store.`,
          },
        },
      };
      renderWithBridge(<Penalties />, fixtureBridge().answer('penalties.list', [unfetched]));
      const evidence = await screen.findByTestId('challenge-evidence');
      expect(within(evidence).getByRole('note')).toHaveTextContent(
        /could not be fetched or read: That blob is not in the local store\.$/,
      );
      expect(evidence).toHaveTextContent('Policyargmax agreement ≥ 99 %');
      expect(evidence).not.toHaveTextContent('Compared');
      await waitFor(() => expect(evidence).toHaveTextContent('quorum 90 FLY met'));
    });

    it('names a missed deadline’s slash as such, with the requester’s and the treasury’s shares', async () => {
      renderWithBridge(<Penalties />, fixtureBridge().answer('penalties.list', [timeoutSlash]));
      const [item] = within(await screen.findByTestId('penalty-timeline')).getAllByRole('listitem');
      await waitFor(() => expect(item).toHaveTextContent('Slashed on job #22 in Flywheel Genesis · −5 FLY'));
      expect(item).toHaveTextContent(
        'Rule: missed deadline (an accepted job’s deadline passed without a result). Where it went: 2 FLY to the requester · 3 FLY to the treasury.',
      );
      expect(within(item!).queryByTestId('challenge-evidence')).toBeNull();
    });

    it('shows a no-show as a warning, without an amount', async () => {
      const noShow: Penalty = {
        ...f.penalties[1]!,
        id: 'ns',
        kind: 'no-show',
        amount: null,
        evidence: { reason: '1 in a row without accepting (the provider is paused at 3)' },
        advice: 'The job went to another provider, without a slash.',
      };
      renderWithBridge(<Penalties />, fixtureBridge().answer('penalties.list', [noShow]));
      const [item] = within(await screen.findByTestId('penalty-timeline')).getAllByRole('listitem');
      expect(item).toHaveClass('penalty-warn');
      expect(item).toHaveTextContent('No-show on job #2');
      expect(item).toHaveTextContent('Evidence: 1 in a row without accepting (the provider is paused at 3)');
      expect(item).not.toHaveTextContent('Rule:');
    });

    it('shows another provider’s lost challenge with the figures against its policy', async () => {
      const network: NetworkPenalty[] = [
        {
          id: 'n9',
          t: f.NOW_S - 10,
          txHash: `0x${'56'.repeat(32)}`,
          economy: f.GENESIS,
          provider: '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
          kind: 'challenge-lost',
          jobId: '44',
          amount: f.units('5'),
          rule: 'lost-challenge',
          reason: `validators voted its result invalid (policy: argmax agreement ≥ 99 %): ${challenge.figures}`,
          challenge,
        },
      ];
      renderWithBridge(<Penalties />, fixtureBridge().answer('penalties.network', network));
      const [item] = within(await screen.findByTestId('network-penalties')).getAllByRole('listitem');
      await waitFor(() =>
        expect(item).toHaveTextContent(
          '0x9965…A4dc lost 5 FLY in Flywheel Genesis on job #44: validators voted its result invalid (policy: argmax agreement ≥ 99 %): agreement 41.2 % < 99 % (23 of 40 rows differ).',
        ),
      );
    });
  });
});
