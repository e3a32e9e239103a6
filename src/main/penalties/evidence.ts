/**
 * A lost challenge's evidence, as the Penalties page shows it: fetched from the URI the challenger published (only
 * `blob:` URIs, which name the hash of their content, so what is read is what was published), checked, and put in
 * words with the model's policy as the economy records it. The figures are re-worded here from the evidence's
 * numbers, never shown as the challenger wrote them; the vote decided, the evidence only says why.
 */
import { readFile } from 'node:fs/promises';
import type { Address, Hash } from 'viem';
import type { ChallengeEvidence, ChallengeVote } from '#shared/api/penalties';
import type { VerificationPolicy } from '#shared/api/jobs';
import { describePolicy } from '#shared/policy';
import type { BlobStore } from '../blobs/store';
import { parseBlobUri } from '../blobs/uri';
import { readModel } from '../chain/actions/readModel';
import type { ChainService } from '../chain/chainService';
import { MAX_EVIDENCE_BYTES, parseEvidence, type Evidence } from '../verification/evidence';
import { describeFailure, summarize } from '../verification/words';

/** Reads evidence bytes by URI. */
export type EvidenceReader = (uri: string) => Promise<Uint8Array>;
/** The policy an economy records for a model; null when it cannot say. */
export type PolicyReader = (economy: Address, modelHash: Hash) => Promise<VerificationPolicy | null>;

/** Evidence from the node's blob store: a `blob:` URI's bytes, checked against the hash it names. */
export function evidenceReader(blobs: Pick<BlobStore, 'fetch'>): EvidenceReader {
  return async (uri) => {
    const location = parseBlobUri(uri);
    if (location.kind !== 'local') {
      throw new Error('this node reads only blob: evidence URIs, which name the hash of their content');
    }
    const blob = await blobs.fetch(uri, location.hash, { maxBytes: MAX_EVIDENCE_BYTES });
    return new Uint8Array(await readFile(blob.path));
  };
}

/** Model policies from the connected chain (ModelView.policy). */
export function modelPolicyReader(chain: Pick<ChainService, 'connection'>): PolicyReader {
  return async (economy, modelHash) => {
    const conn = chain.connection;
    if (!conn) return null;
    return (await readModel({ publicClient: conn.client }, { economy, modelHash }))?.policy ?? null;
  };
}

export interface ChallengeFacts {
  economy: Address;
  challenger: Address;
  evidenceUri: string | null;
  /** The job's model (its JobPosted), to read its policy from the economy; null when not known here. */
  modelHash: Hash | null;
  vote: ChallengeVote | null;
}

const samePolicy = (a: VerificationPolicy, b: VerificationPolicy) =>
  a.rule === b.rule &&
  a.maxAbsErrorE9 === b.maxAbsErrorE9 &&
  a.maxRelErrorE9 === b.maxRelErrorE9 &&
  a.minAgreementBps === b.minAgreementBps;

/**
 * The challenge's evidence in words. Whatever cannot be had — no URI, a fetch that fails, a file that is not
 * evidence — is said in `unavailable`, with the vote and the policy still shown.
 */
export async function describeChallenge(
  facts: ChallengeFacts,
  read: EvidenceReader | undefined,
  policyOf: PolicyReader | undefined,
): Promise<ChallengeEvidence> {
  const out: ChallengeEvidence = {
    challenger: facts.challenger,
    evidenceUri: facts.evidenceUri,
    policy: null,
    figures: null,
    detail: null,
    submittedHash: null,
    referenceHash: null,
    unavailable: null,
    policyMismatch: null,
    vote: facts.vote,
  };
  let evidence: Evidence | null = null;
  if (!facts.evidenceUri) {
    out.unavailable = 'The challenger published no evidence URI.';
  } else if (!read) {
    out.unavailable = 'This node cannot fetch challenge evidence.';
  } else {
    try {
      evidence = parseEvidence(await read(facts.evidenceUri));
    } catch (err) {
      out.unavailable = `The challenger’s evidence (${facts.evidenceUri}) could not be fetched or read: ${
        (err as Error).message
      }`;
    }
  }
  const modelHash = facts.modelHash ?? evidence?.modelHash ?? null;
  const onChain = modelHash && policyOf ? await policyOf(facts.economy, modelHash).catch(() => null) : null;
  const policy = onChain ?? evidence?.policy ?? null;
  out.policy = policy ? describePolicy(policy) : null;
  if (evidence) {
    const v = evidence.verdict;
    const verdict = {
      pass: v.pass,
      policy: evidence.policy,
      submittedHash: evidence.submitted.outputHash,
      referenceHash: evidence.reference.outputHash,
      figures: v.figures,
      firstFailure: v.firstFailure,
    };
    out.figures = summarize(verdict);
    out.detail = describeFailure(v.firstFailure, evidence.policy.rule);
    out.submittedHash = evidence.submitted.outputHash;
    out.referenceHash = evidence.reference.outputHash;
    if (onChain && !samePolicy(onChain, evidence.policy)) {
      out.policyMismatch = `The challenger compared by “${describePolicy(evidence.policy)}”, not the model’s policy.`;
    }
  }
  return out;
}
