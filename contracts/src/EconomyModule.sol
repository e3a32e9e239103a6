// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EconomyBase} from "./EconomyBase.sol";
import {IEconomyToken} from "./interfaces/IEconomyToken.sol";
import {IModelLookup} from "./interfaces/IModelLookup.sol";
import {
    AccountView,
    ChallengeView,
    JobStatus,
    JobView,
    LineageView,
    ModelView,
    ProviderStatus,
    ProviderView,
    StatsView,
    ValidatorStatus,
    ValidatorView,
    VerificationPolicy,
    VoteView
} from "./interfaces/EconomyTypes.sol";
import {Params} from "./lib/EconomyParams.sol";
import {WeightTree} from "./lib/WeightTree.sol";

/// @title EconomyModule
/// @notice The part of every economy that is off a job's hot path: a requester's `cancelJob`, validators, challenges
/// and votes, models, fork allocations, treasury and admin. A provider's own calls (register, bond, pause, resume,
/// exit, unjail) are in {Economy}; the views are in {EconomyViews}, reached through this contract's fallback. It runs
/// only by delegatecall from an {Economy} clone (which forwards every selector it does not define), on that economy's
/// storage; called directly it refuses ({NotAnEconomy}), because it has no clone arguments.
///
/// Optimistic verification, judged by the model's verification policy: a submitted result finalizes after
/// `challengeWindowS` unless a validator challenges it, and a challenge is settled by a stake-weighted vote of the
/// validators in which being right is what pays.
/// - Commit, then reveal: a validator commits keccak256(jobId, validator, salt), which locks `challengeBond` of its
///   bond, and reveals it with {challenge} from a later block, inside the challenge window, with a URI to its
///   evidence (the policy applied, the figures compared). The earliest commitment wins: revealing one older than the
///   current challenger's takes the challenge over. A commitment never revealed forfeits `commitFeeBps` of the bond
///   it locked when released, so committing blindly to every result to snipe the challenges others find costs money.
/// - Weight from a checkpoint: every vote weighs the voter's validator stake at the block before the challenge
///   opened (OpenZeppelin Checkpoints), so stake added after it counts for nothing; the challenger's own weight is
///   its challenge bond, what it risks.
/// - Quorum: unless `quorumBps` of that stake votes, the result stands, the challenger gets its bond back and nobody
///   is slashed — no vote is not "invalid", and a lone validator can decide nothing.
/// - Paid to be right: after the vote, voters on the winning side share a part of the loser's slash, pro rata to
///   weight ({settleVote}); voters on the losing side lose `voteSlashBps` of their weight to the treasury. A vote
///   locks nothing, so honest validators can vote in every challenge at once however many are opened. The loser (the provider's collateral, or the challenger's bond) is slashed:
///   `slashBurnBps` burned, `winnerShareBps` of the rest to the winning party (a challenger never more than its
///   challenge bond), the rest to the winning voters.
/// A vote that flips the outcome in the last quarter of the window extends it by a quarter (at most twice). The
/// requester of a rejected job gets its fee back; a provider cannot challenge its own job.
contract EconomyModule is EconomyBase {
    using SafeCast for uint256;
    using WeightTree for WeightTree.Tree;
    using Checkpoints for Checkpoints.Trace208;

    /// @dev {EconomyViews}: every view of the economy, run in the economy's storage.
    address private immutable VIEWS;

    /// @param views The {EconomyViews} implementation shared by every clone.
    constructor(address views) {
        VIEWS = views;
    }

    // ─── jobs ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice The requester takes back the fee of a job nobody was assigned to, once {CANCEL_DELAY_BLOCKS} blocks
    /// have passed since its draw block (earlier cancelling would let a requester re-roll the draw by re-posting), or
    /// at once after {CANCEL_AFTER_MISSES} draws that kept nobody.
    /// @param jobId The job (must be Posted).
    function cancelJob(uint256 jobId) external {
        Job memory jb = _jobs[jobId];
        if (jb.status != JobStatus.Posted) revert WrongJobStatus(jobId, uint8(jb.status));
        if (_requesters[jb.requesterId] != msg.sender) revert NotRequester(jobId, msg.sender);
        uint256 from = uint256(jb.stamp) + CANCEL_DELAY_BLOCKS;
        if (block.number <= from && jb.misses < CANCEL_AFTER_MISSES) revert CancelTooEarly(jobId, from + 1);
        _jobs[jobId].status = JobStatus.Refunded;
        _credit(msg.sender, jb.fee);
        emit JobRefunded(jobId, msg.sender, jb.fee);
    }

    // ─── validators ────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Registers the caller as a validator with a bond of at least `validatorMinBond` (pulled from it). Its
    /// vote weight counts in challenges opened from the next block on.
    /// @param amount Tokens to bond.
    function registerValidator(uint256 amount) external nonReentrant {
        Params memory prm = _params();
        if (amount < prm.validatorMinBond) revert BondTooLow(amount, prm.validatorMinBond);
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.None && v.status != ValidatorStatus.Exited) {
            revert WrongValidatorStatus(msg.sender, uint8(v.status));
        }
        v.bond = amount.toUint88();
        v.locked = 0;
        v.status = ValidatorStatus.Active;
        v.until = 0;
        _counters.activeValidators += 1;
        _checkpointValidator(msg.sender, amount);
        emit ValidatorRegistered(msg.sender, amount);
        _pull(msg.sender, amount);
    }

    /// @notice Adds to an Active validator's bond; the vote weight it adds counts in challenges opened from the next
    /// block on.
    /// @param amount Tokens to add.
    function addValidatorBond(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Active) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        uint88 bond = (uint256(v.bond) + amount).toUint88();
        v.bond = bond;
        _checkpointValidator(msg.sender, bond);
        emit ValidatorBondAdded(msg.sender, amount, bond);
        _pull(msg.sender, amount);
    }

    /// @notice Starts a validator's exit: it stops committing at once (votes in challenges opened before still count)
    /// and may withdraw after the unbonding period, once nothing is locked.
    function requestValidatorExit() external {
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Active) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        uint256 until = block.timestamp + _params().unbondingPeriodS;
        v.status = ValidatorStatus.Exiting;
        v.until = uint48(until);
        _counters.activeValidators -= 1;
        _checkpointValidator(msg.sender, 0);
        emit ValidatorExitRequested(msg.sender, until);
    }

    /// @notice Pays an exited validator's bond to `to` after the unbonding period, with nothing locked (no open
    /// commitment, challenge or unsettled vote).
    /// @param to Recipient.
    /// @return amount The bond paid.
    function withdrawValidatorBond(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Exiting) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        if (block.timestamp < v.until) revert StillUnbonding(v.until);
        if (v.locked != 0 || v.openVotes != 0) revert CollateralLocked(v.locked + v.openVotes);
        amount = v.bond;
        v.bond = 0;
        v.status = ValidatorStatus.Exited;
        v.until = 0;
        emit ValidatorBondWithdrawn(msg.sender, to, amount);
        _push(to, amount);
    }

    // ─── challenges ────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice First half of a challenge: records keccak256(abi.encode(jobId, validator, salt)) and locks
    /// `challengeBond` of the caller's bond until the commitment is revealed ({challenge}) or released
    /// ({releaseCommitment}). The commitment names the validator, so copying it is useless.
    /// @param commitment The hash.
    function commitChallenge(bytes32 commitment) external {
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Active) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        if (_commitments[commitment].validator != address(0)) revert CommitmentExists(commitment);
        uint256 bond = _params().challengeBond;
        if (uint256(v.locked) + bond > v.bond) revert BondTooLow(v.bond, uint256(v.locked) + bond);
        v.locked += uint88(bond);
        _commitments[commitment] = Commitment(msg.sender, uint48(block.number), uint48(block.timestamp));
        emit ChallengeCommitted(msg.sender, commitment);
    }

    /// @notice Unlocks a commitment that was never revealed, once it can no longer be (a challenge window after it
    /// was made); `commitFeeBps` of the bond it locked is forfeited to the treasury.
    /// @param commitment The hash.
    function releaseCommitment(bytes32 commitment) external {
        Commitment memory c = _commitments[commitment];
        if (c.validator != msg.sender) revert UnknownCommitment(commitment);
        Params memory prm = _params();
        uint256 releasableAt = uint256(c.timestamp) + prm.challengeWindowS;
        if (block.timestamp <= releasableAt) revert CommitmentNotExpired(commitment, releasableAt + 1);
        delete _commitments[commitment];
        uint256 fee = _slashValidator(
            msg.sender,
            prm.challengeBond,
            (uint256(prm.challengeBond) * prm.commitFeeBps) / 10_000
        );
        _ledger.treasury += uint128(fee);
        emit CommitmentReleased(msg.sender, commitment, fee);
    }

    /// @notice Challenges a submitted result inside its challenge window by revealing a commitment made after the
    /// result came in and at least a block ago. Opens the vote (the caller's weight: its challenge bond, "invalid"),
    /// or — when the result is already challenged through a later commitment — takes the challenge over.
    /// @param jobId The job (Submitted, or Voting inside its challenge window).
    /// @param salt The salt committed with {commitChallenge}.
    /// @param evidenceURI Where the challenger's evidence is: the policy applied and the figures it compared.
    function challenge(uint256 jobId, bytes32 salt, string calldata evidenceURI) external {
        bytes32 commitment = keccak256(abi.encode(jobId, msg.sender, salt));
        Commitment memory cm = _commitments[commitment];
        if (cm.validator != msg.sender) revert UnknownCommitment(commitment);
        if (cm.blockNumber >= block.number) revert CommitmentTooFresh(commitment);
        Job memory jb = _jobs[jobId];
        if (jb.status != JobStatus.Submitted && jb.status != JobStatus.Voting) {
            revert WrongJobStatus(jobId, uint8(jb.status));
        }
        if (cm.timestamp < jb.stamp) revert CommitmentBeforeResult(commitment);
        Params memory prm = _params();
        uint256 windowEnd = uint256(jb.stamp) + prm.challengeWindowS;
        if (block.timestamp >= windowEnd) revert ChallengeWindowClosed(jobId, windowEnd);
        address provider = _providers[jb.providerId].account;
        if (provider == msg.sender) revert SelfChallenge(jobId);
        delete _commitments[commitment];
        if (jb.status == JobStatus.Voting) _takeOver(jobId, cm.blockNumber, prm.challengeBond, evidenceURI);
        else _open(jobId, cm.blockNumber, provider, prm, evidenceURI);
    }

    /// @dev Earliest commitment wins: the current challenger's bond is unlocked, the caller's stays locked.
    function _takeOver(uint256 jobId, uint48 commitBlock, uint256 challengeBond, string calldata evidenceURI) private {
        Challenge storage c = _challenges[jobId];
        if (commitBlock >= c.commitBlock) revert ChallengeTaken(jobId, c.commitBlock);
        if (_votes[jobId][msg.sender].cast) revert AlreadyVoted(jobId, msg.sender);
        address previous = c.challenger;
        _validators[previous].locked -= uint88(challengeBond);
        c.challenger = msg.sender;
        c.commitBlock = commitBlock;
        emit ChallengerReplaced(jobId, previous, msg.sender, evidenceURI);
    }

    function _open(
        uint256 jobId,
        uint48 commitBlock,
        address provider,
        Params memory prm,
        string calldata evidenceURI
    ) private {
        _jobs[jobId].status = JobStatus.Voting;
        Challenge storage c = _challenges[jobId];
        uint256 voteEnd = block.timestamp + prm.voteWindowS;
        uint256 quorum = (_totalValidatorStake.upperLookupRecent(uint48(block.number - 1)) * prm.quorumBps) / 10_000;
        c.challenger = msg.sender;
        c.commitBlock = commitBlock;
        c.openedBlock = uint48(block.number);
        c.voteEnd = uint48(voteEnd);
        c.quorum = quorum.toUint128();
        c.invalidWeight = prm.challengeBond;
        emit ChallengeOpened(jobId, msg.sender, provider, voteEnd, quorum, evidenceURI);
        emit VoteCast(jobId, msg.sender, false, prm.challengeBond);
    }

    /// @notice Votes on a challenged result, once, before the vote ends, with the caller's validator stake at the
    /// block before the challenge opened as weight. Nothing is locked; `voteSlashBps` of the weight is at risk and
    /// slashed at {settleVote} if the vote goes against the outcome. The job's provider and requester cannot vote.
    /// @param jobId The job (Voting).
    /// @param resultValid true: the result is right by the model's policy (the challenger loses); false: it is wrong.
    function vote(uint256 jobId, bool resultValid) external {
        if (_jobs[jobId].status != JobStatus.Voting) revert WrongJobStatus(jobId, uint8(_jobs[jobId].status));
        Challenge memory c = _challenges[jobId];
        if (block.timestamp >= c.voteEnd) revert VoteClosed(jobId, c.voteEnd);
        Vote storage vs = _votes[jobId][msg.sender];
        if (vs.cast || msg.sender == c.challenger) revert AlreadyVoted(jobId, msg.sender);
        // The job's own parties do not judge it.
        Job memory jb = _jobs[jobId];
        if (_providers[jb.providerId].account == msg.sender || _requesters[jb.requesterId] == msg.sender) {
            revert ConflictOfInterest(jobId, msg.sender);
        }
        uint256 weight = _validatorStake[msg.sender].upperLookupRecent(uint48(c.openedBlock - 1));
        if (weight == 0) revert NoVoteWeight(jobId, msg.sender);
        Params memory prm = _params();
        _validators[msg.sender].openVotes += 1;
        _votes[jobId][msg.sender] = Vote(uint128(weight), uint88((weight * prm.voteSlashBps) / 10_000), true, resultValid, false);
        bool invalidLedBefore = c.invalidWeight > c.validWeight;
        if (resultValid) c.validWeight += uint128(weight);
        else c.invalidWeight += uint128(weight);
        emit VoteCast(jobId, msg.sender, resultValid, weight);
        uint256 late = prm.voteWindowS / 4;
        if (
            invalidLedBefore != (c.invalidWeight > c.validWeight) &&
            c.voteEnd - block.timestamp < late &&
            c.extensions < MAX_VOTE_EXTENSIONS
        ) {
            c.voteEnd += uint48(late);
            c.extensions += 1;
            emit VoteExtended(jobId, c.voteEnd);
        }
        _challenges[jobId] = c;
    }

    /// @notice Settles a challenge after its vote (anyone). Without quorum the result stands: the job finalizes,
    /// the challenger's bond is unlocked, nobody is slashed. With quorum, "invalid" must outweigh "valid" to reject:
    /// the provider's collateral is slashed (burn, winner's share to the challenger, the rest to the winning voters),
    /// the requester is refunded and the provider gets a strike; otherwise the job finalizes and the challenger's
    /// bond is slashed the same way, the winner's share to the provider. Voters settle with {settleVote}.
    /// @param jobId The job (Voting, vote ended).
    function resolveChallenge(uint256 jobId) external nonReentrant {
        Job memory jb = _jobs[jobId];
        if (jb.status != JobStatus.Voting) revert WrongJobStatus(jobId, uint8(jb.status));
        Challenge memory c = _challenges[jobId];
        if (block.timestamp < c.voteEnd) revert VoteOpen(jobId, c.voteEnd);
        Params memory prm = _params();
        uint32 id = jb.providerId;
        uint256 collateral = _collateral(jb.fee, prm);
        Provider storage p = _release(id, collateral);
        address provider = p.account;
        c.resolved = true;
        // The quorum counts voters only: the challenger's bond weighs in the outcome, never in whether enough
        // validators looked, so a lone challenger never meets it.
        c.quorumMet = uint256(c.validWeight) + c.invalidWeight - prm.challengeBond >= c.quorum && c.quorum != 0;
        c.resultValid = !c.quorumMet || c.invalidWeight <= c.validWeight;
        emit ChallengeResolved(jobId, c.resultValid, c.quorumMet, c.validWeight, c.invalidWeight);
        uint256 burned;
        if (!c.quorumMet) {
            _validators[c.challenger].locked -= uint88(prm.challengeBond);
            _challenges[jobId] = c;
            _jobs[jobId].status = JobStatus.Finalized;
            _payProvider(jobId, provider, jb);
            return;
        }
        if (c.resultValid) {
            uint256 amount = _slashValidator(c.challenger, prm.challengeBond, prm.challengeBond);
            uint256 toWinner;
            uint256 toVoters;
            (burned, toWinner, toVoters) = _split(amount, c.validWeight != 0, prm);
            c.voterPot = uint128(toVoters);
            c.winningVoterWeight = c.validWeight;
            _credit(provider, toWinner);
            emit ValidatorSlashed(c.challenger, jobId, amount, toWinner, toVoters, burned);
            _challenges[jobId] = c;
            _jobs[jobId].status = JobStatus.Finalized;
            _payProvider(jobId, provider, jb);
        } else {
            _validators[c.challenger].locked -= uint88(prm.challengeBond);
            // _release unlocked the collateral; now take it out of the bond (a wrong result also forfeits the
            // emission accrued since the provider's last settlement).
            _settleEmission(id, p, prm.minBond, true);
            _takeFromBond(id, p, collateral, prm);
            uint256 toWinner;
            uint256 toVoters;
            (burned, toWinner, toVoters) = _split(collateral, c.invalidWeight > prm.challengeBond, prm);
            // The challenger earns at most what it risked: a reward that grew with the job would pay a bot to commit
            // blindly to every large result. The excess goes to the voters (or, with none, the treasury).
            if (toWinner > prm.challengeBond) {
                uint256 excess = toWinner - prm.challengeBond;
                toWinner = prm.challengeBond;
                if (c.invalidWeight > prm.challengeBond) toVoters += excess;
                else _ledger.treasury += uint128(excess);
            }
            c.voterPot = uint128(toVoters);
            c.winningVoterWeight = c.invalidWeight - uint128(prm.challengeBond);
            _credit(c.challenger, toWinner);
            _challenges[jobId] = c;
            _jobs[jobId].status = JobStatus.Rejected;
            address requester = _requesters[jb.requesterId];
            _credit(requester, jb.fee);
            emit ProviderSlashed(provider, jobId, collateral, 0, 0, toWinner, toVoters, burned);
            emit JobRejected(jobId, provider);
            emit JobRefunded(jobId, requester, jb.fee);
            _strike(id, jobId, prm);
        }
        if (burned != 0) IEconomyToken(address(_token())).burn(burned);
    }

    /// @notice Settles one voter's part in a resolved challenge (anyone may call it for any voter): credits its share
    /// of the voter pot if it voted with the outcome, or slashes what its vote put at risk from its bond (to the
    /// treasury) if it voted against it. Without quorum nothing is paid or taken.
    /// @param jobId The job.
    /// @param voter The validator that voted.
    function settleVote(uint256 jobId, address voter) external {
        Challenge memory c = _challenges[jobId];
        if (!c.resolved) revert NotResolved(jobId);
        Vote storage vs = _votes[jobId][voter];
        if (!vs.cast || vs.settled) revert NothingToSettle(jobId, voter);
        vs.settled = true;
        Validator storage v = _validators[voter];
        v.openVotes -= 1;
        uint256 reward;
        uint256 slashed;
        if (c.quorumMet) {
            if (vs.resultValid == c.resultValid) {
                if (c.winningVoterWeight != 0) {
                    reward = (uint256(c.voterPot) * vs.weight) / c.winningVoterWeight;
                    _credit(voter, reward);
                }
            } else {
                // Taken from the whole bond, locked part included: bond parked in commitments shields no vote.
                slashed = _slashValidator(voter, 0, vs.atRisk);
                _ledger.treasury += uint128(slashed);
            }
        }
        emit VoteSettled(jobId, voter, reward, slashed);
    }

    /// @dev Unlocks `unlock` of a validator's bond and takes `amount` of it out (its vote weight follows).
    /// Never more than the bond left, which is what it returns; `locked` may then exceed the bond (a commitment's
    /// lock counts challenge bonds, not tokens), which only keeps the validator from leaving until it is released.
    function _slashValidator(address account, uint256 unlock, uint256 amount) private returns (uint256) {
        Validator storage v = _validators[account];
        v.locked -= uint88(unlock);
        uint256 bond = v.bond;
        if (amount > bond) amount = bond;
        bond -= amount;
        v.bond = uint88(bond);
        if (v.status == ValidatorStatus.Active) _checkpointValidator(account, bond);
        return amount;
    }

    /// @dev Splits a slash: `slashBurnBps` burned, `winnerShareBps` of the rest to the winning party, the rest to the
    /// winning voters (all to the winner when no voter sided with it).
    function _split(
        uint256 amount,
        bool votersWon,
        Params memory prm
    ) private pure returns (uint256 burned, uint256 toWinner, uint256 toVoters) {
        burned = (amount * prm.slashBurnBps) / 10_000;
        uint256 rest = amount - burned;
        toWinner = votersWon ? (rest * prm.winnerShareBps) / 10_000 : rest;
        toVoters = rest - toWinner;
    }

    // ─── models ────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Registers a model in this economy by the hash of its bytes, with the policy its results are judged
    /// by (admin only). Forks made after this block see it too, policy included.
    /// @param modelHash Content hash of the model file.
    /// @param uri Where to fetch it.
    /// @param kind 0 inference, 1 fine-tune (training-step graph).
    /// @param policy How a re-run judges a result (see {VerificationPolicy}).
    function registerModel(
        bytes32 modelHash,
        string calldata uri,
        uint8 kind,
        VerificationPolicy calldata policy
    ) external {
        _onlyAdmin();
        if (kind > KIND_FINE_TUNE) revert InvalidKind(kind);
        if (modelHash == bytes32(0)) revert UnknownModel(modelHash);
        if (_models[modelHash].registeredBlock != 0) revert ModelAlreadyRegistered(modelHash);
        _checkPolicy(policy);
        _models[modelHash] = Model({
            registeredBlock: uint64(block.number),
            kind: kind,
            rule: policy.rule,
            maxAbsErrorE9: policy.maxAbsErrorE9,
            maxRelErrorE9: policy.maxRelErrorE9,
            minAgreementBps: policy.minAgreementBps,
            uri: uri
        });
        emit ModelRegistered(
            modelHash,
            kind,
            uri,
            policy.rule,
            policy.maxAbsErrorE9,
            policy.maxRelErrorE9,
            policy.minAgreementBps
        );
    }

    /// @dev exact needs nothing; tolerance a bound; argmax an agreement share; logprob a bound on the logprob gap.
    function _checkPolicy(VerificationPolicy calldata policy) private pure {
        uint8 rule = policy.rule;
        if (rule > RULE_LOGPROB) revert InvalidPolicy(rule);
        if (rule == 1 && policy.maxAbsErrorE9 == 0 && policy.maxRelErrorE9 == 0) revert InvalidPolicy(rule);
        if (rule == 2 && (policy.minAgreementBps == 0 || policy.minAgreementBps > 10_000)) revert InvalidPolicy(rule);
        if (rule == RULE_LOGPROB && policy.maxAbsErrorE9 == 0) revert InvalidPolicy(rule);
    }

    // ─── fork allocation ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Mints `account`'s genesis allocation in this fork, proven against the fork's stake snapshot root
    /// (an OpenZeppelin standard Merkle tree of (address account, uint256 amount) leaves built by
    /// src/main/chain/forkSnapshot.ts from the parent's bonds). Anyone may submit it; the tokens go to `account`;
    /// each account claims once.
    /// @param account The snapshot's account.
    /// @param amount Its allocation.
    /// @param proof Merkle proof of the leaf.
    function claimAllocation(address account, uint256 amount, bytes32[] calldata proof) external nonReentrant {
        bytes32 root = bytes32(_arg(ARG_ALLOCATION_ROOT, 32));
        if (root == bytes32(0)) revert NoAllocation();
        if (_allocationClaimed[account]) revert AlreadyClaimed(account);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidProof();
        _allocationClaimed[account] = true;
        emit AllocationClaimed(account, amount);
        IEconomyToken(address(_token())).mint(account, amount);
    }


    // ─── treasury and admin ────────────────────────────────────────────────────────────────────────────────────

    /// @notice Pays `amount` of the treasury (protocol fees and timeout slashes) to `to` (admin only).
    /// @param to Recipient.
    /// @param amount Tokens.
    function withdrawTreasury(address to, uint256 amount) external nonReentrant {
        _onlyAdmin();
        if (to == address(0)) revert ZeroAddress();
        uint256 have = _ledger.treasury;
        if (amount == 0) revert ZeroAmount();
        if (amount > have) revert TreasuryTooSmall(have, amount);
        _ledger.treasury = uint128(have - amount);
        emit TreasuryWithdrawn(to, amount);
        _push(to, amount);
    }

    /// @notice Hands the admin role (models, treasury) to `newAdmin` (admin only).
    function transferAdmin(address newAdmin) external {
        _onlyAdmin();
        if (newAdmin == address(0)) revert ZeroAddress();
        emit AdminTransferred(_admin, newAdmin);
        _admin = newAdmin;
    }

    // ─── views ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Every view runs in {EconomyViews} on this economy's storage (a second hop of delegatecall, so that
    /// neither contract exceeds the code-size limit).
    fallback() external {
        address views = VIEWS;
        _delegate(views);
    }
}
